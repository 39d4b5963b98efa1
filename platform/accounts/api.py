from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import AddressRateThrottle

from .models import ApiToken, Organisation, User
from .selectors import api_tokens_of
from .services import api_token_create, api_token_revoke
from .throttling import locked_out_detail, lockout_seconds


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    name = serializers.CharField(
        required=False, max_length=100, help_text=_("Wofür der Schlüssel ist, z. B. „Auswertung Excel“.")
    )


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at"]
        read_only_fields = fields


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "kind",
            "street",
            "postal_code",
            "city",
            "produces_in_aachen",
            "training_company",
            "website",
        ]


class MeSerializer(serializers.ModelSerializer):
    organisation = OrganisationSerializer(read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "first_name", "last_name", "language", "organisation"]
        read_only_fields = ["id", "email", "organisation"]


class TokenThrottle(AddressRateThrottle):
    """Requests per client address to the token endpoint, on top of the per-account lockout."""

    scope = "auth-token"
    rate = "30/minute"


class TokenView(APIView):
    """Exchange email and password for a new API key (send it as `Authorization: Token <key>`).

    After too many wrong passwords for one account or from one address, answers 429 with
    Retry-After until the lockout period is over.
    """

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [TokenThrottle]

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer})
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request,
            username=serializer.validated_data["email"],
            password=serializer.validated_data["password"],
        )
        if getattr(request, "axes_locked_out", False):
            raise exceptions.Throttled(wait=lockout_seconds(), detail=locked_out_detail())
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"non_field_errors": [_("E-Mail-Adresse oder Passwort ist falsch.")]}
            )
        _token, key = api_token_create(user=user, name=serializer.validated_data.get("name", ""))
        return Response({"token": key})


class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The signed-in person's own API keys: list them, revoke one (the key itself is never shown again)."""

    serializer_class = ApiTokenSerializer
    pagination_class = None

    def get_queryset(self):
        return api_tokens_of(user=self.request.user)

    def destroy(self, request, *args, **kwargs):
        token = self.get_object()
        api_token_revoke(user=request.user, token_id=token.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """The signed-in person with their organisation."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)
