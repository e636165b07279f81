from .social import register  # noqa: F401  (Pelican calls social.register())
from .syndicate import SocialError, Syndication, choose_networks, plan  # noqa: F401  (what `invoke social` calls)
from .ledger import LedgerError  # noqa: F401
