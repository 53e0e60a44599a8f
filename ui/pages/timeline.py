"""Page script run by st.navigation (see app.py); the rendering lives in ui/timeline.py."""

from ui import timeline

timeline.page()
