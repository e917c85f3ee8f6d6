from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "govdoc.organizations"
    label = "organizations"
    verbose_name = "Tổ chức"
