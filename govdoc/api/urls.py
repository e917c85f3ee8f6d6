from ninja import NinjaAPI

api = NinjaAPI(title="govdoc API", version="1", urls_namespace="api")
