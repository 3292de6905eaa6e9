package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// Grants on a staff user's page: the partners a manager or viewer may see
// although they neither own nor manage them. Granting works without
// JavaScript: a search (GET ?q=) lists matching partners, each with its
// own Grant button; a partner id typed into the same box works too.

// grantSearchLimit is how many matching partners the search shows.
const grantSearchLimit = 20

// grantRow is a granted partner, named.
type grantRow struct {
	PartnerID string
	Name      string // the id again when the partner cannot be read
	CreatedAt time.Time
}

// grantRows lists the partners granted to a user, with their names.
func (s *server) grantRows(r *http.Request, userID string) ([]grantRow, error) {
	gs, err := s.app.UserGrants(r.Context(), actor(r), userID)
	if err != nil {
		return nil, err
	}
	rows := make([]grantRow, len(gs))
	for i, g := range gs {
		rows[i] = grantRow{PartnerID: g.PartnerID, Name: g.PartnerID, CreatedAt: g.CreatedAt}
		// Grants are few (a handful per user), so one read each is fine.
		if p, err := s.app.Partner(r.Context(), actor(r), g.PartnerID); err == nil {
			rows[i].Name = p.Name
		} else if !ally.IsNotFound(err) {
			return nil, err
		}
	}
	return rows, nil
}

// grantSearch runs the page's partner search, if one was asked: a partner
// id finds that partner, anything else searches names and domains.
func (s *server) grantSearch(r *http.Request) (string, []*ally.Partner, error) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		return "", nil, nil
	}
	if len(q) > 200 {
		q = q[:200]
	}
	if ally.HasPrefix(q, ally.PrefixPartner) {
		p, err := s.app.Partner(r.Context(), actor(r), q)
		if ally.IsNotFound(err) {
			return q, nil, nil
		}
		if err != nil {
			return q, nil, err
		}
		return q, []*ally.Partner{p}, nil
	}
	page, err := s.app.Partners(r.Context(), actor(r), ally.PartnerFilter{Query: q, Sort: ally.SortName, Limit: grantSearchLimit})
	if err != nil {
		return q, nil, err
	}
	return q, page.Items, nil
}

func (s *server) userGrant(w http.ResponseWriter, r *http.Request) {
	f := s.readForm(w, r)
	if f == nil {
		return
	}
	id := r.PathValue("id")
	partnerID := f.text("partner")
	if err := s.app.Grant(r.Context(), actor(r), id, partnerID); err != nil {
		if ally.IsNotFound(err) && partnerID != "" {
			// An unknown partner is a mistake in the form, not a missing page.
			err = &ally.Error{Code: ally.ECodeInvalid, Message: "no such partner",
				Fields: []ally.FieldError{{Field: "partner", Message: "is not a partner; search for it by name"}}}
		}
		s.formFailed(w, r, err, func(status int, e formErrs) { s.renderUser(w, r, status, nil, "grant", e) })
		return
	}
	to := "/admin/settings/users/" + id
	if q := f.text("q"); q != "" {
		to += "?q=" + url.QueryEscape(q) // keep the search, to grant several in a row
	}
	redirect(w, r, to, "granted")
}

func (s *server) userRevoke(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := s.app.Revoke(r.Context(), actor(r), id, r.PathValue("partner")); err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	redirect(w, r, "/admin/settings/users/"+id, "ungranted")
}
