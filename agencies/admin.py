"""The Django admin, for support staff: read-only.

Bodies, people, roles and the records are changed only through the application's own pages,
whose services write the AdminAction (who, when, what) in the same transaction. An edit here would
leave no such record, so every model is shown, never changed, added or deleted.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import AdminAction, Body, BodyName, City, District, RoleAssignment, SecurityEvent, User


class ReadOnlyMixin:
    """Shows everything, changes nothing (the view permission alone)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff


class RoleAssignmentInline(ReadOnlyInline):
    model = RoleAssignment


@admin.register(User)
class UserAdmin(ReadOnlyMixin, DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("单位与联系方式", {"fields": ("full_name", "phone", "must_change_password")}),
    )
    list_display = ["username", "full_name", "phone", "is_active", "must_change_password"]
    search_fields = ["username", "full_name", "phone"]
    inlines = [RoleAssignmentInline]

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff


class BodyNameInline(ReadOnlyInline):
    model = BodyName


@admin.register(Body)
class BodyAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "district", "active_from", "active_to"]
    list_filter = ["kind", "district"]
    search_fields = ["code", "name", "names__name"]
    inlines = [BodyNameInline]


@admin.register(City)
class CityAdmin(ReadOnlyAdmin):
    list_display = ["code", "name"]


@admin.register(District)
class DistrictAdmin(ReadOnlyAdmin):
    pass


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["user", "role", "body", "district", "start_date", "end_date"]
    list_filter = ["role"]


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "username", "ip_address", "actor"]
    list_filter = ["kind"]
    search_fields = ["username", "ip_address"]


@admin.register(AdminAction)
class AdminActionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "summary", "actor", "district"]
    list_filter = ["kind"]
    search_fields = ["summary"]
