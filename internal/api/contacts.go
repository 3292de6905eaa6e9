package api

import (
	"context"
	"net/http"

	"github.com/allyprm/ally/internal/ally"
)

// Contacts: the people at a partner. {id} is the partner's Ally id or CRM
// externalId; a contact id of another partner is a 404.

type contactJSON struct {
	ID           string   `json:"id"`
	PartnerID    string   `json:"partnerId"`
	Name         string   `json:"name"`
	Email        string   `json:"email"`
	Phone        string   `json:"phone"`
	Title        string   `json:"title"`
	Roles        []string `json:"roles" doc:"sales, technical, executive_sponsor, billing, champion"`
	Primary      bool     `json:"primary"`
	PortalAccess string   `json:"portalAccess" enum:"off,invited,active,disabled" doc:"Portal access is granted by invitation in the admin UI."`
	LastSignInAt *Time    `json:"lastSignInAt"`
	CreatedAt    Time     `json:"createdAt"`
	UpdatedAt    Time     `json:"updatedAt"`
	Version      int64    `json:"version"`
}

func renderContact(c *ally.Contact) contactJSON {
	roles := make([]string, len(c.Roles))
	for i, r := range c.Roles {
		roles[i] = string(r)
	}
	var signIn *Time
	if !c.LastSignInAt.IsZero() {
		t := Time(c.LastSignInAt)
		signIn = &t
	}
	return contactJSON{ID: c.ID, PartnerID: c.PartnerID, Name: c.Name, Email: c.Email, Phone: c.Phone, Title: c.Title,
		Roles: roles, Primary: c.Primary, PortalAccess: string(c.Portal), LastSignInAt: signIn,
		CreatedAt: Time(c.CreatedAt), UpdatedAt: Time(c.UpdatedAt), Version: c.Version}
}

type contactCreate struct {
	Name    field[string]   `json:"name" required:"true" minLength:"1" maxLength:"200"`
	Email   field[string]   `json:"email" required:"true" minLength:"3" maxLength:"254" format:"email"`
	Phone   field[string]   `json:"phone,omitzero" maxLength:"50"`
	Title   field[string]   `json:"title,omitzero" maxLength:"200"`
	Roles   field[[]string] `json:"roles,omitzero" maxItems:"5" doc:"sales, technical, executive_sponsor, billing, champion"`
	Primary field[bool]     `json:"primary,omitzero" doc:"The partner's primary contact; setting it moves the flag from the previous one."`
}

// contactPatch is contactCreate with every member optional.
type contactPatch struct {
	Name    field[string]   `json:"name,omitzero" minLength:"1" maxLength:"200"`
	Email   field[string]   `json:"email,omitzero" minLength:"3" maxLength:"254" format:"email"`
	Phone   field[string]   `json:"phone,omitzero" maxLength:"50"`
	Title   field[string]   `json:"title,omitzero" maxLength:"200"`
	Roles   field[[]string] `json:"roles,omitzero" maxItems:"5" doc:"sales, technical, executive_sponsor, billing, champion"`
	Primary field[bool]     `json:"primary,omitzero"`
}

func contactFields(b contactPatch) (ally.ContactFields, error) {
	var v ally.Validator
	f := ally.ContactFields{Name: opt(&v, "name", b.Name), Email: opt(&v, "email", b.Email),
		Phone: opt(&v, "phone", b.Phone), Title: opt(&v, "title", b.Title), Primary: opt(&v, "primary", b.Primary)}
	if roles := opt(&v, "roles", b.Roles); roles != nil {
		rs := make([]ally.ContactRole, len(*roles))
		for i, r := range *roles {
			rs[i] = ally.ContactRole(r)
		}
		f.Roles = &rs
	}
	return f, v.Err()
}

type contactRef struct {
	ID        string `path:"id" minLength:"1" maxLength:"255" doc:"The partner's Ally id (ptn_…) or its CRM externalId."`
	ContactID string `path:"contactId" minLength:"1" maxLength:"100" doc:"The contact's id (ctc_…)."`
}

func (s *server) listContacts(ctx context.Context, in *struct {
	ID     string `path:"id" minLength:"1" maxLength:"255" doc:"The partner's Ally id (ptn_…) or its CRM externalId."`
	Limit  int    `query:"limit" minimum:"1" maximum:"200" default:"50" doc:"Page size, 1 to 200."`
	Cursor string `query:"cursor" maxLength:"200" doc:"The nextCursor of the previous page."`
}) (*many[contactJSON], error) {
	after, err := decodeCursor(in.Cursor, ally.PrefixContact)
	if err != nil {
		return nil, fail(ctx, err)
	}
	pg, err := s.app.Contacts(ctx, actorFrom(ctx), in.ID, after, in.Limit)
	if err != nil {
		return nil, fail(ctx, err)
	}
	return page(mapItems(pg.Items, renderContact), pg.Next), nil
}

func (s *server) getContact(ctx context.Context, in *contactRef) (*one[contactJSON], error) {
	c, err := s.app.Contact(ctx, actorFrom(ctx), in.ID, in.ContactID)
	if err != nil {
		return nil, fail(ctx, err)
	}
	return reply(http.StatusOK, c.Version, renderContact(c)), nil
}

func (s *server) createContact(ctx context.Context, in *struct {
	ID   string `path:"id" minLength:"1" maxLength:"255" doc:"The partner's Ally id (ptn_…) or its CRM externalId."`
	Body contactCreate
}) (*one[contactJSON], error) {
	f, err := contactFields(contactPatch(in.Body))
	if err == nil {
		var c *ally.Contact
		if c, err = s.app.CreateContact(ctx, actorFrom(ctx), in.ID, f); err == nil {
			return reply(http.StatusCreated, c.Version, renderContact(c)), nil
		}
	}
	return nil, fail(ctx, err)
}

func (s *server) patchContact(ctx context.Context, in *struct {
	ID        string `path:"id" minLength:"1" maxLength:"255" doc:"The partner's Ally id (ptn_…) or its CRM externalId."`
	ContactID string `path:"contactId" minLength:"1" maxLength:"100" doc:"The contact's id (ctc_…)."`
	IfMatch   string `header:"If-Match" maxLength:"100" doc:"Write only if the version is still this ETag: \"3\", W/\"3\" or * (any). Stale: 412; malformed: 400."`
	Body      contactPatch
}) (*one[contactJSON], error) {
	version, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, fail(ctx, err)
	}
	f, err := contactFields(in.Body)
	if err == nil {
		var c *ally.Contact
		if c, err = s.app.UpdateContact(ctx, actorFrom(ctx), in.ID, in.ContactID, f, version); err == nil {
			return reply(http.StatusOK, c.Version, renderContact(c)), nil
		}
	}
	return nil, fail(ctx, err)
}

func (s *server) deleteContact(ctx context.Context, in *contactRef) (*struct{}, error) {
	if err := s.app.DeleteContact(ctx, actorFrom(ctx), in.ID, in.ContactID); err != nil {
		return nil, fail(ctx, err)
	}
	return nil, nil
}
