"""Solution of notebook 11, exercise 1: a REST method that refuses ID tokens.

A Cognito user pool authorizer on a method *without* OAuth scopes takes the pool's ID
token. Name a scope on the method and it takes only access tokens carrying one of the
scopes: an ID token has no ``scope`` claim, so it is refused. Ask for the API's own scope
(``orders/read``), not one every signed-in user's token carries (``openid``,
``aws.cognito.signin.user.admin``).
"""


def configure_orders_method(ag, api_id, resource_id, authorizer_id):
    """GET /orders behind the Cognito authorizer, for access tokens with orders/read."""
    ag.put_method(restApiId=api_id, resourceId=resource_id, httpMethod="GET",
                  authorizationType="COGNITO_USER_POOLS", authorizerId=authorizer_id,
                  authorizationScopes=["orders/read"])
