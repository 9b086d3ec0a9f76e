"""The personas every permission test uses hold the roles they say."""

from tests.conftest import ISOM, OTHER_ENTITY
from xarxa.accounts.rules import Viewer


def test_each_persona_edits_for_its_own_organisation_only(isom_editor, isom_viewer, other_editor,
                                                          site_admin, visitor):
    editor = Viewer(isom_editor.user)
    assert ISOM in editor.editable and OTHER_ENTITY not in editor.editable
    assert ISOM in Viewer(isom_viewer.user).orgs and not Viewer(isom_viewer.user).editable
    assert Viewer(other_editor.user).editable == {OTHER_ENTITY}
    assert Viewer(site_admin.user).site_admin
    assert not Viewer(visitor.user).authenticated
