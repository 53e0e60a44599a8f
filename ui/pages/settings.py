"""Page script run by st.navigation (see app.py); the rendering lives in ui/settings_page.py."""

from ui import settings_page

settings_page.page()
