"""``question_changed(kind, question)`` fires after a question change is committed.

Kinds: asked, answered, published, unpublished. Notifications listen here.
"""

from django.dispatch import Signal

question_changed = Signal()
