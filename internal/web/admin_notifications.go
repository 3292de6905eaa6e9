package web

import "net/http"

// adminNotifications lists the signed-in staff user's notifications, newest
// first (a partner's own profile edits, for its owner).
func (s *server) adminNotifications(w http.ResponseWriter, r *http.Request) {
	ns, err := s.app.Notifications(r.Context(), actor(r), 100)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	s.render(w, r, http.StatusOK, "admin/notifications", view{Title: "Notifications", Data: ns})
}

// adminNotificationsRead marks them all read.
func (s *server) adminNotificationsRead(w http.ResponseWriter, r *http.Request) {
	if err := s.app.MarkNotificationsRead(r.Context(), actor(r)); err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	redirect(w, r, "/admin/notifications", "notify")
}
