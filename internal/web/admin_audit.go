package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/allyprm/ally/internal/ally"
)

// The audit log: who did what, to what, newest first, with filters and
// cursor pages, and the same selection as a CSV file (admin_audit_csv.go).

// auditActions are the actions the filter suggests; any other text filters too.
var auditActions = []string{
	"partner.created", "partner.updated", "partner.archived", "partner.restored", "partner.profile_updated",
	"contact.created", "contact.updated", "contact.deleted", "contact.invited", "contact.invite_accepted",
	"contact.portal_disabled", "grant.created", "grant.deleted",
	"tier.created", "tier.updated", "phase.created", "phase.updated",
	"experience_template.created", "experience_template.updated",
	"property.created", "property.updated", "property.deleted",
	"user.created", "user.updated", "user.disabled", "user.enabled", "user.password_set", "user.account_updated",
	"apikey.created", "apikey.revoked", "settings.updated", "settings.test_email_sent", "audit.exported",
	"auth.signin", "auth.signin_failed", "auth.signout", "auth.password_changed", "auth.password_reset",
	"auth.totp_enabled", "auth.totp_disabled", "auth.email_changed",
}

// auditQuery is the filter form as typed; it travels in the URL.
type auditQuery struct {
	Partner, Actor, Action, From, To string
}

// values returns the query as URL parameters, empty ones left out.
func (q auditQuery) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"partner": q.Partner, "actor": q.Actor, "action": q.Action, "from": q.From, "to": q.To} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// readAuditQuery reads the filters. Dates are whole UTC days: from is the
// start of its day, to includes its whole day.
func readAuditQuery(r *http.Request) (auditQuery, ally.AuditFilter, map[string]string) {
	get := func(k string) string { return strings.TrimSpace(r.URL.Query().Get(k)) }
	q := auditQuery{Partner: get("partner"), Actor: get("actor"), Action: get("action"), From: get("from"), To: get("to")}
	errs := map[string]string{}
	for field, v := range map[string]string{"partner": q.Partner, "actor": q.Actor, "action": q.Action} {
		if len(v) > 100 || !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			errs[field] = "must be at most 100 characters of text"
		}
	}
	f := ally.AuditFilter{PartnerID: q.Partner, ActorID: q.Actor, Action: q.Action}
	if q.From != "" {
		d, err := time.Parse(time.DateOnly, q.From)
		if err != nil {
			errs["from"] = "must be a date like 2026-05-08"
		}
		f.Since = d
	}
	if q.To != "" {
		d, err := time.Parse(time.DateOnly, q.To)
		if err != nil {
			errs["to"] = "must be a date like 2026-05-08"
		}
		f.Until = d.AddDate(0, 0, 1)
	}
	if errs["from"] == "" && errs["to"] == "" && !f.Since.IsZero() && !f.Until.IsZero() && !f.Since.Before(f.Until) {
		errs["to"] = "must not be before the from date"
	}
	if len(errs) > 0 {
		return q, ally.AuditFilter{}, errs
	}
	return q, f, nil
}

// changeLine is one changed field, values written out and shortened.
type changeLine struct {
	Field, Before, After string
}

// auditRow is one event as the table shows it.
type auditRow struct {
	*ally.AuditEvent
	Changes []changeLine
}

type auditData struct {
	Query   auditQuery
	Actions []string
	Rows    []auditRow
	Errs    formErrs
	Next    string // link to the next page, "" on the last
	First   string // link to the newest page, "" when on it
	CSV     string // link to the CSV of the same selection
}

func (s *server) auditList(w http.ResponseWriter, r *http.Request) {
	q, f, errs := readAuditQuery(r)
	d := auditData{Query: q, Actions: auditActions}
	status := http.StatusOK
	if errs != nil {
		status, d.Errs = http.StatusUnprocessableEntity, formErrs{Field: errs, Message: "Please correct the filters marked below."}
		s.render(w, r, status, "admin/audit", view{Title: "Audit log", Data: d})
		return
	}
	f.Before = r.URL.Query().Get("before")
	if f.Before != "" && !ally.HasPrefix(f.Before, ally.PrefixAudit) {
		f.Before = "" // a mangled cursor starts again at the newest
	}
	page, err := s.app.AuditEvents(r.Context(), actor(r), f)
	if err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	for _, e := range page.Items {
		d.Rows = append(d.Rows, auditRow{AuditEvent: e, Changes: changeLines(e.Changes, 80)})
	}
	v := q.values()
	if f.Before != "" {
		d.First = "/admin/audit?" + v.Encode()
	}
	if page.Next != "" {
		nv := q.values()
		nv.Set("before", page.Next)
		d.Next = "/admin/audit?" + nv.Encode()
	}
	d.CSV = "/admin/audit.csv?" + v.Encode()
	s.render(w, r, status, "admin/audit", view{Title: "Audit log", Data: d})
}

// changeLines lists the changes by field name, each value at most max
// characters, so one huge value cannot swamp the table.
func changeLines(cs map[string]ally.Change, max int) []changeLine {
	fields := make([]string, 0, len(cs))
	for k := range cs {
		fields = append(fields, k)
	}
	slices.Sort(fields)
	out := make([]changeLine, len(fields))
	for i, k := range fields {
		out[i] = changeLine{Field: k, Before: shortValue(cs[k].Before, max), After: shortValue(cs[k].After, max)}
	}
	return out
}

// shortValue writes a changed value for people: text as it is, nothing as
// a dash, anything else as JSON; cut to max characters with an ellipsis.
func shortValue(v any, max int) string {
	var s string
	switch x := v.(type) {
	case nil:
		return "—"
	case string:
		if x == "" {
			return "—" // an empty text reads as nothing, like null
		}
		s = x
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return "?"
		}
		s = string(b)
	}
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max-1]) + "…"
	}
	return s
}
