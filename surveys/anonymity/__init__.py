"""What keeps an anonymous answer unlinkable: sealing, coarse breakdown attributes. See docs/surveys.md."""
