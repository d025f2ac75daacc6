"""The API reference generated from code: the documentation registry, OpenAPI, Postman and the error page."""
