"""No traceback, ever: every task, run as a writer runs it (a real `invoke` process), with
wrong arguments and on broken inputs, ends with readable lines in the site's language and a
non-zero status when something failed; Ctrl-C, a busy port, a full disk and damaged caches
included."""

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from .conftest import ROOT, french

INVOKE = [sys.executable, "-m", "invoke"]
NOW = "2026-11-24T10:15"


def invoke(site: Path, *args: str, timeout: float = 180, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "TRIBUNE_NOW": NOW, **env}
    return subprocess.run([*INVOKE, *args], cwd=site, env=environment, capture_output=True, text=True, timeout=timeout)


def told(result: subprocess.CompletedProcess) -> str:
    """Everything a command printed; never a traceback in it."""
    printed = result.stdout + result.stderr
    assert "Traceback" not in printed and "Exception ignored" not in printed, printed
    return printed


def tasks_listed(site: Path) -> list[str]:
    listing = told(invoke(site, "--list"))
    return [line.split()[0] for line in listing.splitlines()[1:] if line.startswith("  ") and not line.startswith("   ")]


def test_every_task_is_covered_here(site_copy):
    assert sorted(tasks_listed(site_copy)) == sorted(WRONG_ARGUMENTS)


WRONG_ARGUMENTS = {
    "audit": [["--bogus"]],
    "bench": [["--bogus"], ["--sizes", "abc"], ["--sizes", "200,-3"]],
    "build": [["--bogus"], ["extra"]],
    "check": [["--bogus"], ["--strict=maybe"]],
    "clean": [["--bogus"]],
    "conversations": [["--bogus"], ["--since", "demain"], ["--approve", "zzzz9999"], ["--reject", ","]],
    "new": [["--bogus"], ["post"], ["billet", "Un titre"], ["post", "   "], ["edition", "2027-13"]],
    "newsletter": [["--bogus"], ["--edition", "1999-01"], ["--send", "--schedule", "2026-12-01 09:00", "--yes"],
                   ["--schedule", "demain", "--yes"], ["--schedule", "2026-12-01 09:10", "--yes"], ["--send"]],
    "publish": [["--bogus"], ["--target", "/"], ["--edition", "2026-11"], ["--send", "--test", "a@exemple.fr"]],
    "report": [["--bogus"]],
    "rollback": [["--bogus"], ["--target", "{tmp}/nulle-part"]],
    "veille": [["--bogus"]],
    "serve": [["--bogus"], ["--port", "abc"], ["--port", "80000"], ["--port", "-1"]],
    # (the sample's ledger holds every piece: --send has nothing to post, and no network to miss)
    "social": [["--bogus"], ["--only", "myspace"], ["--send", "--only", "linkedin"]],
    "translations": [["--bogus"]],
}


@pytest.mark.parametrize(("task", "arguments"), [(task, args) for task, cases in WRONG_ARGUMENTS.items() for args in cases],
                         ids=lambda value: value if isinstance(value, str) else " ".join(value))
def test_wrong_arguments_are_one_line_and_a_failure(site_copy, tmp_path, task, arguments):
    result = invoke(site_copy, task, *[argument.format(tmp=tmp_path) for argument in arguments],
                    MAILCHIMP_API_KEY="", MAILCHIMP_AUDIENCE_ID="")
    printed = told(result)
    assert result.returncode != 0, printed
    assert printed.strip() and len(printed.strip().splitlines()) <= 15, printed  # said in a few lines, not a dump
    assert not (site_copy / "output").exists() or task in ("newsletter",)  # refused before building anything


def _syntax_error(site: Path) -> None:
    with (site / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        settings.write("\nSITENAME = (\n")


def _name_error(site: Path) -> None:
    with (site / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        settings.write("\nSITESUBTITLE = SOUS_TITRE\n")


SETTINGS = (ROOT / "pelicanconf.py").read_text(encoding="utf-8").splitlines()
ADDED = len(SETTINGS) + 2  # the line each breaker adds, after a blank one
PATH_LINE, THEME_LINE = (next(number for number, line in enumerate(SETTINGS, 1) if line.startswith(f"{key} =")) for key in ("PATH", "THEME"))
BROKEN_SETTINGS = {
    "a settings line that is not Python": (_syntax_error, f"pelicanconf.py:{ADDED}: cette ligne des réglages n’est pas du Python valide "
                                           "(une parenthèse, un crochet ou une accolade est ouvert et jamais fermé, colonne 12)\u202f: corrigez-la"),
    "a settings line that fails": (_name_error, f"pelicanconf.py:{ADDED}: les réglages s’arrêtent à cette ligne (NameError"),
    "no content folder": (lambda site: shutil.rmtree(site / "content"), french(
        f"pelicanconf.py:{PATH_LINE}: PATH: le dossier de contenu content n'existe pas : créez-le, ou corrigez PATH")),
    "no theme folder": (lambda site: shutil.rmtree(site / "theme"), french(
        f"pelicanconf.py:{THEME_LINE}: THEME: le dossier du thème theme n'existe pas : corrigez THEME")),
    "no settings file": (lambda site: [(site / name).unlink() for name in ("pelicanconf.py", "publishconf.py")],
                         "pelicanconf.py: settings file not found"),  # a folder that is no site: no language to read
}
SITE_TASKS = [["build"], ["check"], ["clean"], ["new", "post", "Un titre"], ["newsletter"], ["report"], ["serve"],
              ["publish", "--dry-run", "--target", "{tmp}/www"], ["rollback", "--target", "{tmp}/www"]]


@pytest.mark.parametrize("breakage", list(BROKEN_SETTINGS))
def test_broken_settings_are_named_at_their_line_by_every_task(site_copy, tmp_path, breakage):
    breaker, line = BROKEN_SETTINGS[breakage]
    breaker(site_copy)
    for task in SITE_TASKS:
        result = invoke(site_copy, *[argument.format(tmp=tmp_path) for argument in task], timeout=60)
        printed = told(result)
        assert result.returncode == 1 and len(printed.strip().splitlines()) == 1, (task, printed)
        if task[0] not in ("publish", "rollback"):  # publishconf.py imports pelicanconf.py: it is named first
            assert printed.strip().startswith(line), (task, printed)


def test_a_clock_that_is_no_date_is_one_line_for_every_task(site_copy, tmp_path):
    for task in SITE_TASKS:
        result = invoke(site_copy, *[argument.format(tmp=tmp_path) for argument in task], timeout=60, TRIBUNE_NOW="demain matin")
        assert result.returncode == 1 and told(result).strip() == french(
            "TRIBUNE_NOW=\"demain matin\" n'est pas une date ISO 8601 (attendu par exemple : 2026-11-24 ou 2026-11-24T09:30+01:00)"), task


def _folder_named_md(site: Path) -> None:
    (site / "content/posts/notes.md").mkdir()


def _link_to_nowhere(site: Path) -> None:
    (site / "content/posts/lien.md").symlink_to("../posts/absent.md")


def _latin1(site: Path) -> None:
    (site / "content/posts/latin1.md").write_bytes("Title: Fête\nDate: 2026-10-01\nCategory: Communauté\n\nÉté.\n".encode("latin-1"))


BROKEN_CONTENT = {
    "a folder named like a post": (_folder_named_md, None),
    "a link that leads nowhere": (_link_to_nowhere, french("content/posts/lien.md:1: un lien symbolique vers ../posts/absent.md, "
                                                           "qui ne mène nulle part (un fichier absent, ou une boucle de liens) : "
                                                           "supprimez-le [erreur]")),
    "a file that is not UTF-8": (_latin1, french("content/posts/latin1.md:1: le fichier n'est pas du texte UTF-8 (octet 0xEA) ; "
                                                 "enregistrez-le en UTF-8 dans votre éditeur [erreur]")),
}


@pytest.mark.parametrize("breakage", list(BROKEN_CONTENT))
def test_broken_content_is_a_line_at_its_file(site_copy, tmp_path, breakage):
    breaker, line = BROKEN_CONTENT[breakage]
    breaker(site_copy)
    for task in (["check"], ["build"], ["newsletter"], ["publish", "--dry-run", "--target", str(tmp_path / "www")]):
        result = invoke(site_copy, *task)
        printed = told(result)
        if line is None:  # nothing to say: it is no content file
            assert result.returncode == 0, (task, printed)
        elif task != ["newsletter"]:  # the newsletter reads headers, not the lint
            assert result.returncode == 1 and line.removesuffix(" [erreur]") in printed, (task, printed)


def _digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(path.relative_to(folder).as_posix().encode() + (path.read_bytes() if path.is_file() else b""))
    return digest.hexdigest()


def test_damaged_cache_files_are_made_again(site_copy):
    assert invoke(site_copy, "build").returncode == 0
    assert invoke(site_copy, "newsletter").returncode == 0
    before = _digest(site_copy / "output")
    caches = [path for path in (site_copy / "cache").iterdir() if path.is_file()]
    assert {path.name for path in caches} >= {"ArticlesGenerator-Readers", "EventsGenerator-Readers", "rendered-pages.pickle",
                                               "newsletter-posts.pickle"}
    for damage in (b"", b"\x80\x04\x95 cut short"):  # what a full disk or a kill leaves
        for path in caches:
            path.write_bytes(damage)
        for task in ("build", "newsletter"):
            result = invoke(site_copy, task)
            assert result.returncode == 0 and "avertissement" not in told(result), result.stderr
        assert _digest(site_copy / "output") == before


def test_an_output_folder_that_cannot_be_written_is_one_line(site_copy):
    (site_copy / "sortie").write_text("un fichier, pas un dossier")
    with (site_copy / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        settings.write('\nOUTPUT_PATH = "sortie/site"\n')
    result = invoke(site_copy, "build")
    assert result.returncode == 1 and told(result) == french(
        "La construction a échoué : le site ne peut pas être écrit à côté de sortie/site (sortie: un fichier se trouve là où devrait "
        "être un dossier). output/ n'a pas changé.\n")


@pytest.fixture
def tiny_disk(tmp_path):
    """A file system of 300 KB (a tmpfs), where the site does not fit; skipped where mounting is not allowed."""
    folder = tmp_path / "disque"
    folder.mkdir()
    if shutil.which("mount") is None or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(folder)],
                                                        capture_output=True).returncode != 0:
        pytest.skip("mounting a tmpfs is not allowed here")
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


def test_a_full_disk_is_one_line_and_nothing_half_built(site_copy, tiny_disk):
    with (site_copy / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        settings.write(f'\nOUTPUT_PATH = "{tiny_disk}/output"\n')
    result = invoke(site_copy, "build")
    said = told(result)  # the file being written when the disk filled up, if the system named it, is on that disk
    assert result.returncode == 1 and said.startswith(french("La construction a échoué : le site n'a pas pu être écrit ("))
    assert said.endswith(french("le disque est plein : libérez de la place). output/ n'a pas changé.\n")) and len(said.splitlines()) == 1
    assert "cache/" not in said
    assert list(tiny_disk.iterdir()) == []


def test_rollback_with_nothing_to_roll_back_fails(site_copy, tmp_path):
    result = invoke(site_copy, "rollback", "--target", str(tmp_path / "www"))
    assert result.returncode == 1
    assert told(result) == french(f"Rien n'a été rétabli : aucune version précédente de {tmp_path}/www à remettre en ligne\n")


def _start(site: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([*INVOKE, *args], cwd=site, env={**os.environ, "TRIBUNE_NOW": NOW}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def test_serve_on_a_busy_port_takes_the_next_free_one_and_says_so(site_copy):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        serve = _start(site_copy, "serve", "--port", str(port))
        try:
            lines = [serve.stdout.readline() for _ in range(2)]
            assert lines[1].startswith(french(f"Aperçu sur http://127.0.0.1:{port + 1}/ (Ctrl-C pour arrêter)")), lines
            with socket.create_connection(("127.0.0.1", port + 1)) as reader:  # a browser that goes away at once
                reader.sendall(b"GET /billets/ete-a-montreal-l-equipe/ HTTP/1.1\r\nHost: x\r\n\r\n")
            os.killpg(serve.pid, signal.SIGINT)
            out, err = serve.communicate(timeout=60)
        finally:
            if serve.poll() is None:
                os.killpg(serve.pid, signal.SIGKILL)
    assert serve.returncode == 0
    assert err == french(f"Le port {port} est occupé (un autre aperçu ?) : celui-ci utilise le port {port + 1}.\n")
    assert out == "Aperçu arrêté.\n"


def test_ctrl_c_during_a_build_is_one_line_and_leaves_output_as_it_was(many_posts):
    assert invoke(many_posts, "build").returncode == 0
    before = _digest(many_posts / "output")
    post = many_posts / "content/posts/2026-07-20-ete-a-montreal.md"
    post.write_text(post.read_text(encoding="utf-8").replace("Quatre jours", "Cinq jours"), encoding="utf-8")
    for delay in (0.0, 0.3, 0.6, 1.0):  # reading, rendering in forked workers, writing...
        shutil.rmtree(many_posts / "cache", ignore_errors=True)
        build = _start(many_posts, "build", "--search")
        deadline = time.monotonic() + 60
        while not list(many_posts.glob(".output.new-*")) and build.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(delay)
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGINT)
        out, err = build.communicate(timeout=120)
        if out.startswith("Site construit"):  # finished before Ctrl-C came (or as the process ended): a new site
            before = _digest(many_posts / "output")
            continue
        assert build.returncode == 130 and out == "", err
        assert err == french("Arrêté (Ctrl-C) ; rien n'est resté à moitié écrit : relancez la commande quand vous voulez.\n"), err
        assert not list(many_posts.glob(".output.*"))
        assert _digest(many_posts / "output") == before


def test_mailchimp_unreachable_says_the_host_the_tries_and_what_to_check(site_copy):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # nothing listens on it once closed
    with (site_copy / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        settings.write("\nNEWSLETTER_MAILCHIMP_RETRY_BASE = 0.01\n")
    result = invoke(site_copy, "newsletter", "--test", "camille@exemple.fr", MAILCHIMP_API_KEY="0123-us21",
                    MAILCHIMP_AUDIENCE_ID="abc", MAILCHIMP_API_URL=f"http://127.0.0.1:{port}/3.0")
    assert result.returncode == 1
    assert told(result).splitlines()[-1] == french(
        f"Rien n'a été envoyé : lecture de l'audience : Mailchimp est injoignable à 127.0.0.1:{port} (la connexion a été refusée, "
        "5 essais) : vérifiez la connexion internet de cette machine et MAILCHIMP_SERVER, puis relancez la commande")


def test_a_reader_that_goes_away_is_no_broken_pipe(site_copy):
    listing = subprocess.run(f"{sys.executable} -m invoke --list | head -1", shell=True, cwd=site_copy, capture_output=True, text=True,
                             timeout=60)
    assert listing.stdout and told(listing)


def test_the_preview_server_says_nothing_when_a_browser_drops_a_connection(tmp_path, capfd):
    from tribune.preview import Preview, PreviewServer

    (tmp_path / "big.html").write_bytes(b"x" * 20_000_000)
    server = PreviewServer(("127.0.0.1", 0), Preview(tmp_path))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for _ in range(3):
            with socket.create_connection(server.server_address) as browser:
                browser.sendall(b"GET /big.html HTTP/1.1\r\nHost: x\r\n\r\n")
                browser.recv(100)
                browser.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # reset, not close
        time.sleep(0.5)
    finally:
        server.shutdown()
        server.server_close()
    assert capfd.readouterr().err == ""


def test_the_audit_leaves_no_process_behind(tmp_path):
    """audit.py runs Lighthouse and chromium through run(): whatever ends a call (here, its
    timeout), the whole process group goes, grandchildren included."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import audit
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    pid_file = tmp_path / "pid"
    result = audit.run(["sh", "-c", f"sleep 300 & echo $! > {pid_file}; wait"], timeout=2)
    assert result.stderr == "sh took more than 2 s"
    stat = Path(f"/proc/{int(pid_file.read_text())}/stat")
    time.sleep(0.2)
    assert not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] == "Z"  # gone, or dead and not yet reaped


SETTING_TYPOS = {
    'MARKDOWN_MAX_BYTES = "5 MB"': "MARKDOWN_MAX_BYTES : « 5 MB » n'est pas un nombre entier : corrigez-le (par exemple MARKDOWN_MAX_BYTES = 5000000)",
    'IMAGE_MAX_PIXELS = "40M"': "IMAGE_MAX_PIXELS : « 40M » n'est pas un nombre entier",
    'READER_PROCESSES = "deux"': "READER_PROCESSES : « deux » n'est pas un nombre entier",
    "MEMBER_AVATAR_SIZES = (0,)": ("MEMBER_AVATAR_SIZES : « (0,) » n'est pas une liste de nombres entiers supérieurs à 0 : corrigez-le "
                                   "(par exemple MEMBER_AVATAR_SIZES = (96, 192, 384))"),
}


@pytest.mark.parametrize("typo", list(SETTING_TYPOS))
def test_a_setting_of_the_wrong_kind_is_named_at_its_line(site_copy, typo):
    """A number typed as words, or sizes that cannot be: named in the settings file, not where
    the build would stop on it."""
    with (site_copy / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        settings.write(f"\n{typo}\n")
    result = invoke(site_copy, "build", timeout=60)
    printed = told(result)
    assert result.returncode == 1 and len(printed.strip().splitlines()) == 1, printed
    expected = f"pelicanconf.py:{ADDED}: " + french(SETTING_TYPOS[typo])
    assert printed.strip().startswith(expected), printed
    assert not (site_copy / "output").exists()


def test_a_command_whose_reader_goes_away_ends_quietly(site_copy):
    """`invoke check | head -1`: the reader has gone before the command's line; the command
    ends as any Unix tool does then, with SIGPIPE's status and no "Broken pipe"."""
    check = subprocess.Popen([*INVOKE, "check"], cwd=site_copy, env={**os.environ, "TRIBUNE_NOW": NOW},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    check.stdout.close()  # as `head` does once it has its lines; the command has not written yet
    assert check.stderr.read() == ""
    assert check.wait(timeout=120) == 128 + signal.SIGPIPE


INVOKES_OWN_WORDS = {
    ("build", "-z"): "« -z » n'est ni une tâche ni une de ses options : invoke --list montre les tâches, invoke --help TÂCHE "
                     "les options de l'une d'elles",
    ("serve", "--port"): "--port attend une valeur après lui : invoke --help TÂCHE montre les options",
    ("new", "post"): "invoke new attend title : invoke --help new en montre un exemple",
}


@pytest.mark.parametrize("arguments", list(INVOKES_OWN_WORDS), ids=" ".join)
def test_invokes_own_words_on_arguments_are_in_the_sites_language(site_copy, arguments):
    """invoke reads the command line before any task runs: its words too are the site's."""
    result = invoke(site_copy, *arguments)
    assert result.returncode == 1
    assert told(result).strip() == french(INVOKES_OWN_WORDS[arguments])
