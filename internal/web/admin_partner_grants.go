package web

import (
	"net/http"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// adminTeamData is the partner page's team access section: who was granted
// the partner, and whom it can still be granted to.
type adminTeamData struct {
	Grants []adminGrantRow
	Users  []admOption
}

// adminGrantRow is one staff user granted a partner.
type adminGrantRow struct {
	UserID string
	Label  string
	Role   string
	Since  time.Time
}

// adminTeam reads the team access section, or nil when the actor may not
// manage it (the application decides: owners and admins).
func (s *server) adminTeam(r *http.Request, partnerID string, cat *adminCatalogData) (*adminTeamData, error) {
	grants, err := s.app.PartnerGrants(r.Context(), actor(r), partnerID)
	if ally.ErrorCode(err) == ally.ECodeForbidden {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	t := &adminTeamData{}
	granted := map[string]bool{}
	for _, g := range grants {
		granted[g.UserID] = true
		row := adminGrantRow{UserID: g.UserID, Label: g.UserID, Since: g.CreatedAt}
		for _, u := range cat.users {
			if u.ID == g.UserID {
				row.Label, row.Role = cat.userLabel(u.ID)+" ("+u.Email+")", string(u.Role)
			}
		}
		t.Grants = append(t.Grants, row)
	}
	// Owners and admins see every partner already; a grant means nothing to them.
	for _, u := range cat.users {
		if granted[u.ID] || u.Disabled || u.Role == ally.RoleOwner || u.Role == ally.RoleAdmin {
			continue
		}
		t.Users = append(t.Users, admOption{u.ID, cat.userLabel(u.ID) + " (" + string(u.Role) + ")"})
	}
	return t, nil
}

// adminPartnerGrant gives a staff user access to the partner.
func (s *server) adminPartnerGrant(w http.ResponseWriter, r *http.Request) {
	if !s.adminForm(w, r) {
		return
	}
	id := r.PathValue("id")
	user := r.PostFormValue("user")
	if user == "" {
		redirect(w, r, "/admin/partners/"+id, "nothing")
		return
	}
	if err := s.app.Grant(r.Context(), actor(r), user, id); err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	redirect(w, r, "/admin/partners/"+id, "granted")
}

// adminPartnerRevoke takes a staff user's access to the partner away.
func (s *server) adminPartnerRevoke(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := s.app.Revoke(r.Context(), actor(r), r.PathValue("userID"), id); err != nil {
		s.errorPage(w, r, "admin", err)
		return
	}
	redirect(w, r, "/admin/partners/"+id, "ungranted")
}
