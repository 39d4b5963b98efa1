from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import EmailLoginForm, LanguageForm, ProfileForm
from .selectors import api_tokens_of
from .services import QueuedPasswordResetForm, api_token_revoke, user_set_language, user_update_profile
from .throttling import password_reset_allowed


class LoginView(auth_views.LoginView):
    form_class = EmailLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        # Past the limit the same page follows, but no mail: nobody learns whether the account exists.
        if not password_reset_allowed(self.request, form.cleaned_data["email"]):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


@login_required
def profile(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            user_update_profile(user=user, **form.cleaned_data)
            translation.activate(form.cleaned_data["language"])
            messages.success(request, _("Ihr Profil wurde gespeichert."))
            response = redirect("accounts:profile")
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.cleaned_data["language"])
            return response
    else:
        form = ProfileForm(
            initial={"first_name": user.first_name, "last_name": user.last_name, "language": user.language}
        )
    tokens = api_tokens_of(user=user)
    return render(request, "accounts/profile.html", {"form": form, "tokens": tokens})


@login_required
@require_POST
def token_revoke(request, pk: int):
    """Revoke one of the person's own API keys; another person's key number is simply not found."""
    if api_token_revoke(user=request.user, token_id=pk):
        messages.success(request, _("Der API-Schlüssel wurde widerrufen."))
    else:
        messages.error(request, _("Diesen API-Schlüssel gibt es nicht (mehr)."))
    return redirect("accounts:profile")


@require_POST
def set_language(request):
    """Switch the UI language; a signed-in person keeps the choice in their profile."""
    form = LanguageForm(request.POST)
    target = request.POST.get("next") or request.headers.get("referer") or reverse("portal:home")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("portal:home")
    if not form.is_valid():
        messages.error(request, _("Diese Sprache wird nicht angeboten."))
        return redirect(target)
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=language)
    response = redirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        samesite="Lax",
    )
    return response
