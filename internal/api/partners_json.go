package api

import (
	"github.com/allyprm/ally/internal/ally"
)

// partnerJSON is a partner as the API shows it: Introw's fields first, then Ally's own.
type partnerJSON struct {
	ID                         string         `json:"id" doc:"Ally id."`
	Name                       string         `json:"name"`
	Domain                     *string        `json:"domain" doc:"Company domain, when known."`
	ExternalCompanyID          *string        `json:"externalCompanyId" doc:"The CRM's company id."`
	ExternalID                 *string        `json:"externalId" doc:"The CRM's partner id; usable as {id}."`
	ExternalIDType             *string        `json:"externalIdType"`
	ManagerEmail               *string        `json:"managerEmail" doc:"E-mail of the partner manager."`
	Categories                 []string       `json:"categories" nullable:"false"`
	TierID                     *string        `json:"tierId"`
	PhaseID                    *string        `json:"phaseId"`
	Owner                      *userRefJSON   `json:"owner" doc:"The staff user who owns the partner, or null."`
	Manager                    *userRefJSON   `json:"manager" doc:"The staff user who manages the partner, or null."`
	PartnerObjectCrmProperties map[string]any `json:"partnerObjectCrmProperties" doc:"Properties of the CRM's partner object."`
	CompanyCrmProperties       map[string]any `json:"companyCrmProperties" doc:"Properties of the CRM's company object."`
	CrmProperties              map[string]any `json:"crmProperties" doc:"Company and partner-object properties merged, the partner object winning."`
	Status                     string         `json:"status" enum:"onboarding,active,dormant,archived"`
	CreatedAt                  Time           `json:"createdAt"`
	UpdatedAt                  Time           `json:"updatedAt"`

	Website              string         `json:"website"`
	LogoURL              string         `json:"logoUrl"`
	Phone                string         `json:"phone"`
	Description          string         `json:"description"`
	PartnerOwnerID       *string        `json:"partnerOwnerId"`
	ManagerID            *string        `json:"managerId"`
	ChampionContactID    *string        `json:"championContactId"`
	PrimaryContactID     *string        `json:"primaryContactId"`
	ExperienceTemplateID *string        `json:"experienceTemplateId"`
	PortalAccess         string         `json:"portalAccess" enum:"RESTRICTED_USERS,RESTRICTED_DOMAINS"`
	CustomProperties     map[string]any `json:"customProperties" doc:"Ally-only properties."`
	LastActivityAt       *Time          `json:"lastActivityAt" nullable:"true" doc:"Latest activity on the partner, or null."`
	Version              int64          `json:"version" doc:"Increases with every change; the ETag carries it."`
}

// userRefJSON is the short form of a staff user on a partner.
type userRefJSON struct {
	_     struct{} `nullable:"true"`
	ID    string   `json:"id"`
	Email string   `json:"email"`
	Name  string   `json:"name"`
}

func renderUserRef(u *ally.UserRef) *userRefJSON {
	if u == nil {
		return nil
	}
	return &userRefJSON{ID: u.ID, Email: u.Email, Name: u.Name}
}

func renderPartner(p *ally.Partner) partnerJSON {
	var managerEmail string
	if p.Manager != nil {
		managerEmail = p.Manager.Email
	}
	return partnerJSON{
		ID: p.ID, Name: p.Name, Domain: strOrNil(p.Domain),
		ExternalCompanyID: strOrNil(p.ExternalCompanyID), ExternalID: strOrNil(p.ExternalID),
		ExternalIDType: strOrNil(p.ExternalIDType), ManagerEmail: strOrNil(managerEmail),
		Categories: nonNil(p.Categories), TierID: strOrNil(p.TierID), PhaseID: strOrNil(p.PhaseID),
		Owner: renderUserRef(p.Owner), Manager: renderUserRef(p.Manager),
		PartnerObjectCrmProperties: props(p.PartnerCRMProperties), CompanyCrmProperties: props(p.CompanyCRMProperties),
		CrmProperties: props(p.CRMProperties()), Status: string(p.Status),
		CreatedAt: Time(p.CreatedAt), UpdatedAt: Time(p.UpdatedAt),

		Website: p.Website, LogoURL: p.LogoURL, Phone: p.Phone, Description: p.Description,
		PartnerOwnerID: strOrNil(p.OwnerID), ManagerID: strOrNil(p.ManagerID),
		ChampionContactID: strOrNil(p.ChampionContactID), PrimaryContactID: strOrNil(p.PrimaryContactID),
		ExperienceTemplateID: strOrNil(p.ExperienceTemplateID), PortalAccess: string(p.PortalAccess),
		CustomProperties: props(p.CustomProperties), LastActivityAt: timeOrNil(p.LastActivityAt),
		Version: p.Version,
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func props(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// partnerPatch is Introw's PATCH body: exactly these members. Anything else
// (status, categories, id …) is refused with 400.
type partnerPatch struct {
	Name                 field[string]            `json:"name,omitzero" minLength:"1" maxLength:"200" doc:"Partner display name."`
	Domain               field[string]            `json:"domain,omitzero" minLength:"1" maxLength:"255" nullable:"true" doc:"Partner company domain, when known; null clears it."`
	PortalAccess         field[ally.PortalAccess] `json:"portalAccess,omitzero" enum:"RESTRICTED_USERS,RESTRICTED_DOMAINS" doc:"Who may use the partner's portal. Only together with experienceTemplateId."`
	TierID               field[string]            `json:"tierId,omitzero" minLength:"1" maxLength:"100" doc:"Tier to assign."`
	ExperienceTemplateID field[string]            `json:"experienceTemplateId,omitzero" minLength:"1" maxLength:"100" doc:"Experience template to publish for the partner."`
	PhaseID              field[string]            `json:"phaseId,omitzero" minLength:"1" maxLength:"100" doc:"Lifecycle phase to assign."`
	PartnerOwnerID       field[string]            `json:"partnerOwnerId,omitzero" minLength:"1" maxLength:"100" doc:"Staff user to make the partner's owner."`
}

func (b *partnerPatch) fields() (ally.PartnerFields, error) {
	var v ally.Validator
	f := ally.PartnerFields{
		Name:                 opt(&v, "name", b.Name),
		Domain:               clearable(b.Domain),
		PortalAccess:         opt(&v, "portalAccess", b.PortalAccess),
		TierID:               opt(&v, "tierId", b.TierID),
		ExperienceTemplateID: opt(&v, "experienceTemplateId", b.ExperienceTemplateID),
		PhaseID:              opt(&v, "phaseId", b.PhaseID),
		OwnerID:              opt(&v, "partnerOwnerId", b.PartnerOwnerID),
	}
	return f, v.Err()
}

// partnerCreate is the POST body: every writable field. A partner with the
// same domain is updated instead of duplicated.
type partnerCreate struct {
	Name                       field[string]             `json:"name" required:"true" minLength:"1" maxLength:"200" doc:"Partner display name."`
	Domain                     field[string]             `json:"domain,omitzero" minLength:"1" maxLength:"255" nullable:"true" doc:"Company domain (acme.example); the partner with this domain is updated if there is one."`
	Website                    field[string]             `json:"website,omitzero" maxLength:"2048" doc:"http(s) URL; empty clears."`
	LogoURL                    field[string]             `json:"logoUrl,omitzero" maxLength:"2048" doc:"http(s) URL of the logo; empty clears."`
	Phone                      field[string]             `json:"phone,omitzero" maxLength:"50"`
	Description                field[string]             `json:"description,omitzero" maxLength:"5000"`
	Status                     field[ally.PartnerStatus] `json:"status,omitzero" enum:"onboarding,active,dormant" doc:"Defaults to onboarding. Archiving has its own action."`
	Categories                 field[[]string]           `json:"categories,omitzero" nullable:"false" maxItems:"50" minLength:"1" maxLength:"64" doc:"Tags such as Reseller."`
	ExternalID                 field[string]             `json:"externalId,omitzero" maxLength:"255" doc:"The CRM's partner id."`
	ExternalIDType             field[string]             `json:"externalIdType,omitzero" maxLength:"50"`
	ExternalCompanyID          field[string]             `json:"externalCompanyId,omitzero" maxLength:"255"`
	TierID                     field[string]             `json:"tierId,omitzero" minLength:"1" maxLength:"100"`
	PhaseID                    field[string]             `json:"phaseId,omitzero" minLength:"1" maxLength:"100"`
	PartnerOwnerID             field[string]             `json:"partnerOwnerId,omitzero" minLength:"1" maxLength:"100" doc:"Staff user who owns the partner."`
	ManagerID                  field[string]             `json:"managerId,omitzero" minLength:"1" maxLength:"100" doc:"Staff user who manages the partner."`
	ChampionContactID          field[string]             `json:"championContactId,omitzero" minLength:"1" maxLength:"100"`
	PrimaryContactID           field[string]             `json:"primaryContactId,omitzero" minLength:"1" maxLength:"100"`
	ExperienceTemplateID       field[string]             `json:"experienceTemplateId,omitzero" minLength:"1" maxLength:"100"`
	PortalAccess               field[ally.PortalAccess]  `json:"portalAccess,omitzero" enum:"RESTRICTED_USERS,RESTRICTED_DOMAINS" doc:"Only together with experienceTemplateId."`
	PartnerObjectCrmProperties field[map[string]any]     `json:"partnerObjectCrmProperties,omitzero" maxProperties:"200"`
	CompanyCrmProperties       field[map[string]any]     `json:"companyCrmProperties,omitzero" maxProperties:"200"`
	CustomProperties           field[map[string]any]     `json:"customProperties,omitzero" maxProperties:"200"`
}

func (b *partnerCreate) fields() (ally.PartnerFields, error) {
	var v ally.Validator
	f := ally.PartnerFields{
		Name:                 opt(&v, "name", b.Name),
		Domain:               clearable(b.Domain),
		Website:              opt(&v, "website", b.Website),
		LogoURL:              opt(&v, "logoUrl", b.LogoURL),
		Phone:                opt(&v, "phone", b.Phone),
		Description:          opt(&v, "description", b.Description),
		Status:               opt(&v, "status", b.Status),
		Categories:           opt(&v, "categories", b.Categories),
		ExternalID:           opt(&v, "externalId", b.ExternalID),
		ExternalIDType:       opt(&v, "externalIdType", b.ExternalIDType),
		ExternalCompanyID:    opt(&v, "externalCompanyId", b.ExternalCompanyID),
		TierID:               opt(&v, "tierId", b.TierID),
		PhaseID:              opt(&v, "phaseId", b.PhaseID),
		OwnerID:              opt(&v, "partnerOwnerId", b.PartnerOwnerID),
		ManagerID:            opt(&v, "managerId", b.ManagerID),
		ChampionContactID:    opt(&v, "championContactId", b.ChampionContactID),
		PrimaryContactID:     opt(&v, "primaryContactId", b.PrimaryContactID),
		ExperienceTemplateID: opt(&v, "experienceTemplateId", b.ExperienceTemplateID),
		PortalAccess:         opt(&v, "portalAccess", b.PortalAccess),
		PartnerCRMProperties: opt(&v, "partnerObjectCrmProperties", b.PartnerObjectCrmProperties),
		CompanyCRMProperties: opt(&v, "companyCrmProperties", b.CompanyCrmProperties),
		CustomProperties:     opt(&v, "customProperties", b.CustomProperties),
	}
	return f, v.Err()
}
