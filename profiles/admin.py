from __future__ import annotations

from django.contrib import admin

from profiles.models import (
    Department,
    DevelopmentGoal,
    GoalProgressNote,
    Person,
    PersonSkill,
    Skill,
    SkillCategory,
)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "agency"]
    search_fields = ["name", "code", "agency"]
    list_filter = ["agency"]


class PersonSkillInline(admin.TabularInline):
    model = PersonSkill
    extra = 0
    autocomplete_fields = ["skill"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "email", "department", "title", "has_login", "willing_to_mentor", "separated_on"]
    list_filter = ["department", "willing_to_mentor", "receives_nudges", ("user", admin.EmptyFieldListFilter), ("separated_on", admin.EmptyFieldListFilter)]
    search_fields = ["first_name", "last_name", "email", "employee_id", "title"]
    list_select_related = ["department", "user"]
    autocomplete_fields = ["user", "department", "supervisor"]
    readonly_fields = ["created_at", "updated_at", "anonymised_at"]
    inlines = [PersonSkillInline]
    fieldsets = (
        (None, {"fields": ("first_name", "last_name", "email", "user", "employee_id")}),
        ("Job", {"fields": ("title", "grade", "department", "supervisor", "office_location", "phone", "time_zone")}),
        ("HR dates", {"fields": ("hire_date", "retirement_eligible_on", "separated_on", "separation_reason", "anonymised_at")}),
        ("Mentoring", {"fields": ("bio", "willing_to_mentor", "mentor_capacity", "prefers_in_person", "prefers_video", "prefers_phone", "receives_nudges")}),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )

    @admin.display(boolean=True, description="login", ordering="user")
    def has_login(self, person: Person) -> bool:
        return person.user_id is not None


@admin.register(SkillCategory)
class SkillCategoryAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "description"]
    list_filter = ["category"]
    search_fields = ["name", "description", "category__name"]
    list_select_related = ["category"]
    autocomplete_fields = ["category"]


@admin.register(PersonSkill)
class PersonSkillAdmin(admin.ModelAdmin):
    list_display = ["person", "skill", "level", "will_teach"]
    list_filter = ["level", "will_teach", "skill__category"]
    search_fields = ["person__first_name", "person__last_name", "person__email", "skill__name"]
    list_select_related = ["person", "skill"]
    autocomplete_fields = ["person", "skill"]


@admin.register(DevelopmentGoal)
class DevelopmentGoalAdmin(admin.ModelAdmin):
    list_display = ["__str__", "person", "priority", "status", "target_date"]
    list_filter = ["status", "priority"]
    search_fields = ["person__first_name", "person__last_name", "person__email", "skill__name", "aim"]
    list_select_related = ["person", "skill"]
    autocomplete_fields = ["person", "skill"]


@admin.register(GoalProgressNote)
class GoalProgressNoteAdmin(admin.ModelAdmin):
    """Notes are private to the person and their mentors; the admin shows who and when, and
    the text only on the change page, for support cases a superuser must handle."""

    list_display = ["goal", "author", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["goal__person__email", "author__email"]
    list_select_related = ["goal__person", "goal__skill", "author"]
    autocomplete_fields = ["goal", "author"]
    readonly_fields = ["created_at"]
