"""Staff can use the admin: every list, search, filter, change and add page answers."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import Role, User
from tests.factories import AssignmentFactory, CenterStaffFactory, WageFloorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser(phone="13700000000", password="admin-pass-123")
    client.force_login(user)
    AssignmentFactory()
    CenterStaffFactory()
    WageFloorFactory()
    return client


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_every_admin_page_answers(admin_client, model):
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    changelist = reverse(f"{prefix}_changelist")
    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(changelist, {"q": "王"}).status_code == 200
    request = RequestFactory().get("/")
    request.user = User.objects.get(phone="13700000000")
    addable = admin.site._registry[model].has_add_permission(request)
    assert admin_client.get(reverse(f"{prefix}_add")).status_code == (200 if addable else 403)
    obj = model.objects.first()
    if obj is not None:
        assert admin_client.get(reverse(f"{prefix}_change", args=[obj.pk])).status_code == 200


def test_phone_numbers_are_masked_in_the_user_list(admin_client):
    User.objects.create_user(phone="13912345678", name="张三", role=Role.WORKER)
    page = admin_client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "139****5678" in page
    assert "13912345678" not in page
