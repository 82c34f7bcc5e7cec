from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import Body, BodyName, District, RoleAssignment, SecurityEvent, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["body"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("单位与联系方式", {"fields": ("full_name", "phone", "must_change_password")}),
    )
    list_display = ["username", "full_name", "phone", "is_active", "must_change_password"]
    search_fields = ["username", "full_name", "phone"]
    inlines = [RoleAssignmentInline]


class BodyNameInline(admin.TabularInline):
    model = BodyName
    extra = 0


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "district", "active_from", "active_to"]
    list_filter = ["kind", "district"]
    search_fields = ["code", "name", "names__name"]
    inlines = [BodyNameInline]


admin.site.register(District)


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "username", "ip_address", "actor"]
    list_filter = ["kind"]
    search_fields = ["username", "ip_address"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
