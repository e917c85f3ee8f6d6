from django.apps import AppConfig


class SignaturesConfig(AppConfig):
    name = "govdoc.signatures"
    label = "signatures"
    verbose_name = "Chữ ký số"

    def ready(self) -> None:
        # The daily warning of certificates about to expire (govdoc/signatures/expiry.py).
        from govdoc.signatures.expiry import register_periodic_jobs

        register_periodic_jobs()
