"""The web shell: layout, navigation, templates, sign-in and the landing page."""
