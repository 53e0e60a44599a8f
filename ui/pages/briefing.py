"""Page script run by st.navigation (see app.py); the rendering lives in ui/briefing.py."""

from ui import briefing

briefing.page()
