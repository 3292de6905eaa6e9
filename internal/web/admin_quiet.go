package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/allyprm/ally/internal/ally"
)

// adminQuietData is what the going-quiet list shows.
type adminQuietData struct {
	Days     int // the threshold used: the one asked for, or the settings' default
	Rows     []adminPartnerRow
	First    string
	Next     string
	Error    string // a days value that is not a number of days
	Alert    string // why some of the selected partners were not archived
	CanWrite bool
}

// adminQuietMaxDays bounds the threshold: ten years of silence is as quiet as it gets.
const adminQuietMaxDays = 3650

// adminQuiet lists partners with no portal sign-in or timeline activity for
// days days (default: the settings), oldest first, to review and archive.
func (s *server) adminQuiet(w http.ResponseWriter, r *http.Request) {
	if err := admCheckQuery(r); err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	flash := ""
	if r.URL.Query().Get("ok") == "bulk" {
		// A count, not text, travels in the URL: nobody can make the page say words of their choosing.
		if n, err := strconv.Atoi(r.URL.Query().Get("n")); err == nil && n >= 0 {
			flash = fmt.Sprintf("%d %s archived.", n, admPlural(n, "partner", "partners"))
		}
	}
	s.adminQuietPage(w, r, http.StatusOK, &adminQuietData{}, flash)
}

// adminQuietPage reads the list for the request's days and cursor and renders it.
func (s *server) adminQuietPage(w http.ResponseWriter, r *http.Request, status int, d *adminQuietData, flash string) {
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		q = r.PostForm
	}
	days := 0
	if v := q.Get("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > adminQuietMaxDays {
			d.Error = fmt.Sprintf("must be a whole number of days from 1 to %d; showing the default", adminQuietMaxDays)
			status = http.StatusBadRequest
		} else {
			days = n
		}
	}
	after := ""
	if r.Method == http.MethodGet {
		var err error
		if after, err = admDecodeCursor(q.Get("cursor"), ally.SortCreated); err != nil {
			s.errorPage(w, r, "admin", err)
			return
		}
	}
	page, used, err := s.app.QuietPartners(r.Context(), actor(r), days, ally.PartnerFilter{After: after, Limit: admLimit(q.Get("limit"))})
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	cat, err := s.adminCatalog(r)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	d.Days, d.Rows, d.CanWrite = used, cat.rows(page.Items), admCanWrite(r)
	daysParam := ""
	if days > 0 {
		daysParam = strconv.Itoa(days)
	}
	if page.Next != "" {
		d.Next = admURL("/admin/quiet", "days", daysParam, "cursor", admEncodeCursor(page.Next))
	}
	if after != "" {
		d.First = admURL("/admin/quiet", "days", daysParam)
	}
	s.render(w, r, status, "admin/quiet", view{Title: "Going quiet", Flash: flash, Data: d})
}

// adminQuietArchive archives the selected partners. Each is archived on its
// own, so one the actor may not touch does not stop the rest; the page says
// how many went and why any did not.
func (s *server) adminQuietArchive(w http.ResponseWriter, r *http.Request) {
	if !s.adminForm(w, r) {
		return
	}
	ids := r.PostForm["id"]
	days := r.PostFormValue("days")
	back := admURL("/admin/quiet", "days", days)
	if len(ids) == 0 {
		redirect(w, r, back, "nothing")
		return
	}
	if len(ids) > ally.MaxLimit {
		s.errorPage(w, r, "admin", ally.Errorf(ally.ECodeBadRequest, "select at most %d partners at a time", ally.MaxLimit))
		return
	}
	n, err := s.app.ArchivePartners(r.Context(), actor(r), ids)
	if err == nil {
		redirect(w, r, admURL("/admin/quiet", "days", days, "n", strconv.Itoa(n)), "bulk")
		return
	}
	if ally.ErrorCode(err) == ally.ECodeInternal {
		s.errorPage(w, r, "admin", err)
		return
	}
	_, msg := fieldErrors(err)
	d := &adminQuietData{Alert: fmt.Sprintf("Archived %d of %d selected. Not archived: %s", n, len(ids), admSentence(msg))}
	s.adminQuietPage(w, r, statusOf(err), d, "")
}

func admPlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
