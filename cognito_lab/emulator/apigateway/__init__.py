"""Plays AMAZON API GATEWAY's data plane: invoke URLs, authorizers, Lambda integrations.

moto is the directory of record for API Gateway (``apigateway``: REST APIs, resources,
methods, authorizers, stages; ``apigatewayv2``: HTTP APIs, routes, integrations,
authorizers, stages). It stores them and serves no API. This part serves each stage at a
path of the lab's one port (``urls.py``), reads the API's configuration from moto
(``directory.py``, which keeps it until a request that may change moto), runs the
authorizer the route or method names (``authorizers.py``: JWT, Cognito user pools, Lambda
REQUEST/TOKEN, with their result cache) and invokes the integration's "Lambda" function
(``emulator.functions``) with the proxy event AWS sends (``events.py``).
"""
