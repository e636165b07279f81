from .newsletter import register  # noqa: F401  (Pelican calls newsletter.register())
from .build import NewsletterError, build_edition  # noqa: F401  (what `invoke newsletter` calls)
from .mailchimp import ConfigError, MailchimpError  # noqa: F401
from .send import SendError, deliver  # noqa: F401  (what `invoke newsletter --send` calls)
