"""Publishing, changing and removing library resources; each change is in the audit log."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from audit.services import audit_record
from resources.forms import ResourceForm
from resources.models import Resource


@transaction.atomic
def resource_save(*, form: ResourceForm, by: Any) -> Resource:
    creating = form.instance.pk is None
    old_file = None if creating else Resource.objects.get(pk=form.instance.pk).file
    resource = form.save(commit=False)
    if form.checked_type is not None:
        upload = form.cleaned_data["file"]
        resource.file_name = upload.name[:200]
        resource.file_size = upload.size
        resource.content_type = form.checked_type.content_type
    elif resource.url:
        resource.file = ""
        resource.file_name, resource.file_size, resource.content_type = "", None, ""
    if creating:
        resource.created_by = by
    resource.save()
    form.save_m2m()
    if old_file and old_file.name != resource.file.name:
        # Delete the replaced file only once the new row is committed.
        transaction.on_commit(lambda name=old_file.name, storage=old_file.storage: storage.delete(name))
    audit_record(
        actor=by,
        action="resource.publish" if creating else "resource.change",
        target=resource.program,
        summary=f"{'Published' if creating else 'Changed'} the resource “{resource.title}”.",
        data={"resource": resource.pk},
    )
    return resource


@transaction.atomic
def resource_delete(*, resource: Resource, by: Any) -> None:
    title, program, file_name, storage = resource.title, resource.program, resource.file.name, resource.file.storage
    resource.delete()
    if file_name:
        transaction.on_commit(lambda: storage.delete(file_name))
    audit_record(actor=by, action="resource.delete", target=program, summary=f"Removed the resource “{title}”.")
