package web

import (
	"net/http"

	"github.com/allyprm/ally/internal/ally"
)

// adminCatalogData holds the tiers, phases, experience templates and staff
// users, for the selects of the partner pages and for showing names in
// place of ids.
type adminCatalogData struct {
	tiers     []*ally.Tier
	phases    []*ally.Phase
	templates []*ally.ExperienceTemplate
	users     []*ally.User
}

// adminCatalog reads the catalog as the signed-in actor.
func (s *server) adminCatalog(r *http.Request) (*adminCatalogData, error) {
	ctx, a := r.Context(), actor(r)
	var c adminCatalogData
	var err error
	if c.tiers, err = s.app.Tiers(ctx, a); err != nil {
		return nil, err
	}
	if c.phases, err = s.app.Phases(ctx, a); err != nil {
		return nil, err
	}
	if c.templates, err = s.app.ExperienceTemplates(ctx, a); err != nil {
		return nil, err
	}
	if c.users, err = s.app.Users(ctx, a); err != nil {
		return nil, err
	}
	return &c, nil
}

func (c *adminCatalogData) tierOptions() []admOption {
	out := make([]admOption, 0, len(c.tiers))
	for _, t := range c.tiers {
		out = append(out, admOption{t.ID, t.Name})
	}
	return out
}

func (c *adminCatalogData) phaseOptions() []admOption {
	out := make([]admOption, 0, len(c.phases))
	for _, p := range c.phases {
		out = append(out, admOption{p.ID, p.Name})
	}
	return out
}

func (c *adminCatalogData) templateOptions() []admOption {
	out := make([]admOption, 0, len(c.templates))
	for _, t := range c.templates {
		out = append(out, admOption{t.ID, t.Name})
	}
	return out
}

// tierName returns a tier's name, or "" when it is unset or unknown.
func (c *adminCatalogData) tierName(id string) string {
	for _, t := range c.tiers {
		if t.ID == id {
			return t.Name
		}
	}
	return ""
}

func (c *adminCatalogData) phaseName(id string) string {
	for _, p := range c.phases {
		if p.ID == id {
			return p.Name
		}
	}
	return ""
}

func (c *adminCatalogData) templateName(id string) string {
	for _, t := range c.templates {
		if t.ID == id {
			return t.Name
		}
	}
	return ""
}

// userLabel names a staff user by name, else e-mail; "" when unknown.
func (c *adminCatalogData) userLabel(id string) string {
	for _, u := range c.users {
		if u.ID == id {
			if u.Name != "" {
				return u.Name
			}
			return u.Email
		}
	}
	return ""
}

// rows pairs partners with their tier names, for the lists.
func (c *adminCatalogData) rows(ps []*ally.Partner) []adminPartnerRow {
	out := make([]adminPartnerRow, 0, len(ps))
	for _, p := range ps {
		out = append(out, adminPartnerRow{P: p, Tier: c.tierName(p.TierID)})
	}
	return out
}
