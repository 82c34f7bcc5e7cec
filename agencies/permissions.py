"""Every "may this person do that" about bodies and people, computed from role assignments.

Report permissions (reports/permissions.py) are built from the predicates here.
"""

import rules

from .admin_selectors import manageable_people
from .models import Role
from .selectors import user_roles


def _holds(role):
    @rules.predicate(name=f"holds_{role}")
    def predicate(user):
        return user_roles(user).holds(role)

    return predicate


def _holds_in_body(role):
    @rules.predicate(name=f"is_{role}_of_body")
    def predicate(user, body):
        return body is not None and body.pk in user_roles(user).body_ids(role)

    return predicate


is_filler = _holds(Role.FILLER)
is_dept_head = _holds(Role.DEPT_HEAD)
is_director = _holds(Role.DIRECTOR)
is_district_admin = _holds(Role.DISTRICT_ADMIN)
is_city_admin = _holds(Role.CITY_ADMIN)
is_filler_of_body = _holds_in_body(Role.FILLER)
is_dept_head_of_body = _holds_in_body(Role.DEPT_HEAD)
is_director_of_body = _holds_in_body(Role.DIRECTOR)


@rules.predicate
def is_admin_of_body_district(user, body):
    return body is not None and body.district_id in user_roles(user).districts


@rules.predicate
def is_city_admin_of_body(user, body):
    """A 市管理员 reads (never changes) the reports of their cities' districts."""
    return body is not None and body.district_id in user_roles(user).city_districts


@rules.predicate
def is_admin_managing_person(user, person):
    """See admin_selectors.manageable_people: a current role decides, and an administrator is
    managed only by their own district."""
    districts = user_roles(user).districts
    return person is not None and bool(districts) and manageable_people(districts).filter(pk=person.pk).exists()


is_reviewer = is_dept_head | is_director

rules.add_perm("agencies.manage_district", is_district_admin)
rules.add_perm("agencies.read_districts", is_district_admin | is_city_admin)
rules.add_perm("agencies.view_city", is_city_admin)
rules.add_perm("agencies.view_body", is_admin_of_body_district | is_filler_of_body | is_dept_head_of_body
               | is_director_of_body)
rules.add_perm("agencies.manage_body", is_admin_of_body_district)
rules.add_perm("agencies.manage_person", is_admin_managing_person)
rules.add_perm("agencies.fill_reports", is_filler)
rules.add_perm("agencies.review_reports", is_reviewer)
