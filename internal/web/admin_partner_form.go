package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// adminPartnerForm holds a partner form's values as typed, so a rejected
// form comes back with the user's input. Input names are the API's field
// names, which are also the names the application's field errors use.
type adminPartnerForm struct {
	Name, Domain, Website, LogoURL, Phone, Description string
	Status                                             string
	TierID, PhaseID, OwnerID, ManagerID                string
	ChampionID, PrimaryID                              string
	Categories                                         string // comma-separated
	ExternalID, ExternalIDType, ExternalCompanyID      string
	PortalAccess, TemplateID                           string
	Props                                              []adminPropGroup
	Version                                            int64
}

// adminPartnerFormFrom fills the form from a stored partner (nil: the
// defaults of a new one).
func adminPartnerFormFrom(p *ally.Partner) adminPartnerForm {
	if p == nil {
		p = &ally.Partner{Status: ally.StatusOnboarding, PortalAccess: ally.AccessRestrictedUsers}
	}
	f := adminPartnerForm{
		Name: p.Name, Domain: p.Domain, Website: p.Website, LogoURL: p.LogoURL, Phone: p.Phone,
		Description: p.Description, Status: string(p.Status), TierID: p.TierID, PhaseID: p.PhaseID,
		OwnerID: p.OwnerID, ManagerID: p.ManagerID, ChampionID: p.ChampionContactID, PrimaryID: p.PrimaryContactID,
		Categories: strings.Join(p.Categories, ", "), ExternalID: p.ExternalID, ExternalIDType: p.ExternalIDType,
		ExternalCompanyID: p.ExternalCompanyID, PortalAccess: string(p.PortalAccess), TemplateID: p.ExperienceTemplateID,
		Version: p.Version,
	}
	for _, g := range adminPropGroups {
		f.Props = append(f.Props, adminPropGroupFrom(g.field, g.legend, g.of(p)))
	}
	return f
}

// adminPartnerFormParse reads a posted partner form.
func adminPartnerFormParse(r *http.Request) adminPartnerForm {
	v := r.PostFormValue
	f := adminPartnerForm{
		Name: v("name"), Domain: v("domain"), Website: v("website"), LogoURL: v("logoUrl"), Phone: v("phone"),
		// Browsers send text area line breaks as CRLF; stored text uses LF.
		Description: strings.ReplaceAll(v("description"), "\r\n", "\n"),
		Status:      v("status"), TierID: v("tierId"), PhaseID: v("phaseId"), OwnerID: v("partnerOwnerId"),
		ManagerID: v("managerId"), ChampionID: v("championContactId"), PrimaryID: v("primaryContactId"),
		Categories: v("categories"), ExternalID: v("externalId"), ExternalIDType: v("externalIdType"),
		ExternalCompanyID: v("externalCompanyId"), PortalAccess: v("portalAccess"), TemplateID: v("experienceTemplateId"),
	}
	for _, g := range adminPropGroups {
		f.Props = append(f.Props, adminPropGroupParse(r, g.field, g.legend))
	}
	return f
}

// fields turns the form into the fields to write: on edit (cur set) only
// those that differ from the stored partner, so an unchanged reference
// (say, an owner who was since disabled) does not block other edits, and
// an unchanged form writes nothing. On create cur is nil and every filled
// field is given.
func (f *adminPartnerForm) fields(cur *ally.Partner) (ally.PartnerFields, error) {
	if cur == nil {
		cur = &ally.Partner{PortalAccess: ally.AccessRestrictedUsers}
	}
	str := func(v, was string) *string {
		if v == was {
			return nil
		}
		return &v
	}
	pf := ally.PartnerFields{
		Name: str(f.Name, cur.Name), Domain: str(f.Domain, cur.Domain), Website: str(f.Website, cur.Website),
		LogoURL: str(f.LogoURL, cur.LogoURL), Phone: str(f.Phone, cur.Phone), Description: str(f.Description, cur.Description),
		TierID: str(f.TierID, cur.TierID), PhaseID: str(f.PhaseID, cur.PhaseID), OwnerID: str(f.OwnerID, cur.OwnerID),
		ManagerID: str(f.ManagerID, cur.ManagerID), ChampionContactID: str(f.ChampionID, cur.ChampionContactID),
		PrimaryContactID: str(f.PrimaryID, cur.PrimaryContactID), ExternalID: str(f.ExternalID, cur.ExternalID),
		ExternalIDType: str(f.ExternalIDType, cur.ExternalIDType), ExternalCompanyID: str(f.ExternalCompanyID, cur.ExternalCompanyID),
	}
	// An archived partner's status changes only through restore; its form has no status field.
	if cur.Status != ally.StatusArchived && f.Status != "" && f.Status != string(cur.Status) {
		st := ally.PartnerStatus(f.Status)
		pf.Status = &st
	}
	if cats := admSplitList(f.Categories); !slices.Equal(cats, cur.Categories) {
		pf.Categories = &cats
	}
	// The access mode is published together with a template (Introw's rule):
	// with a template both go; without one a changed mode still goes, so the
	// application says why it cannot be set alone.
	templateChanged, accessChanged := f.TemplateID != cur.ExperienceTemplateID, f.PortalAccess != string(cur.PortalAccess)
	if templateChanged || (accessChanged && f.TemplateID != "") {
		pf.ExperienceTemplateID = &f.TemplateID
	}
	if accessChanged || (templateChanged && f.TemplateID != "") {
		pa := ally.PortalAccess(f.PortalAccess)
		pf.PortalAccess = &pa
	}
	var v ally.Validator
	maps := []**map[string]any{&pf.PartnerCRMProperties, &pf.CompanyCRMProperties, &pf.CustomProperties}
	for i, g := range f.Props {
		m, changed := g.value(adminPropGroups[i].of(cur), &v)
		if changed {
			*maps[i] = &m
		}
	}
	return pf, v.Err()
}

// markKinds notes, after a rejected post, which rows still hold a stored
// value that is not text, so the form keeps saying so.
func (f *adminPartnerForm) markKinds(cur *ally.Partner) {
	if cur == nil {
		return
	}
	for i := range f.Props {
		stored := adminPropGroups[i].of(cur)
		for j, row := range f.Props[i].Rows {
			if val, ok := stored[row.Key]; ok {
				if text, kind := admPropText(val); kind != "" && text == row.Value {
					f.Props[i].Rows[j].Kind = kind
				}
			}
		}
	}
}
