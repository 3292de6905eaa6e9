package api

import (
	"context"
	"net/http"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

// Partner handlers: parse, call the application, render. The shapes are in
// partners_json.go.

type listPartnersInput struct {
	Status   string `query:"status" enum:"onboarding,active,dormant,archived" doc:"Only partners with this status."`
	TierID   string `query:"tierId" maxLength:"100" doc:"Only partners in this tier."`
	PhaseID  string `query:"phaseId" maxLength:"100" doc:"Only partners in this phase."`
	Category string `query:"category" maxLength:"64" doc:"Only partners with this category."`
	OwnerID  string `query:"ownerId" maxLength:"100" doc:"Only partners owned by this staff user."`
	Q        string `query:"q" maxLength:"200" doc:"Case-insensitive text in the name or domain."`
	Limit    int    `query:"limit" minimum:"1" maximum:"200" default:"50" doc:"Page size, 1 to 200."`
	Cursor   string `query:"cursor" maxLength:"200" doc:"The nextCursor of the previous page."`
}

func (s *server) listPartners(ctx context.Context, in *listPartnersInput) (*many[partnerJSON], error) {
	after, err := decodeCursor(in.Cursor, ally.PrefixPartner)
	if err != nil {
		return nil, fail(ctx, err)
	}
	pg, err := s.app.Partners(ctx, actorFrom(ctx), ally.PartnerFilter{
		Status: ally.PartnerStatus(in.Status), TierID: in.TierID, PhaseID: in.PhaseID,
		Category: in.Category, OwnerID: in.OwnerID, Query: in.Q, After: after, Limit: in.Limit,
	})
	if err != nil {
		return nil, fail(ctx, err)
	}
	return page(mapItems(pg.Items, renderPartner), pg.Next), nil
}

// The {id} of partner routes is the Ally id or the CRM externalId.
type getPartnerInput struct {
	ID string `path:"id" minLength:"1" maxLength:"255" doc:"The partner's Ally id (ptn_…) or its CRM externalId."`
}

func (s *server) getPartner(ctx context.Context, in *getPartnerInput) (*one[partnerJSON], error) {
	p, err := s.app.Partner(ctx, actorFrom(ctx), in.ID)
	if err != nil {
		return nil, fail(ctx, err)
	}
	return reply(http.StatusOK, p.Version, renderPartner(p)), nil
}

type createPartnerInput struct {
	Body partnerCreate
}

func (s *server) createPartner(ctx context.Context, in *createPartnerInput) (*one[partnerJSON], error) {
	f, err := in.Body.fields()
	if err != nil {
		return nil, fail(ctx, err)
	}
	p, created, err := s.app.CreatePartner(ctx, actorFrom(ctx), f)
	if err != nil {
		return nil, fail(ctx, err)
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return reply(status, p.Version, renderPartner(p)), nil
}

type patchPartnerInput struct {
	ID      string `path:"id" minLength:"1" maxLength:"255" doc:"The partner's Ally id (ptn_…) or its CRM externalId."`
	IfMatch string `header:"If-Match" maxLength:"100" doc:"Write only if the version is still this ETag: \"3\", W/\"3\" or * (any). Stale: 412; malformed: 400."`
	Body    partnerPatch
}

func (s *server) patchPartner(ctx context.Context, in *patchPartnerInput) (*one[partnerJSON], error) {
	version, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, fail(ctx, err)
	}
	f, err := in.Body.fields()
	if err != nil {
		return nil, fail(ctx, err)
	}
	p, err := s.app.UpdatePartner(ctx, actorFrom(ctx), in.ID, f, app.UpdatePartnerOptions{IfVersion: version})
	if err != nil {
		return nil, fail(ctx, err)
	}
	return reply(http.StatusOK, p.Version, renderPartner(p)), nil
}

type partnerActionInput struct {
	ID      string `path:"id" minLength:"1" maxLength:"255" doc:"The partner's Ally id (ptn_…) or its CRM externalId."`
	IfMatch string `header:"If-Match" maxLength:"100" doc:"Write only if the version is still this ETag: \"3\", W/\"3\" or * (any). Stale: 412; malformed: 400."`
}

func (s *server) archivePartner(ctx context.Context, in *partnerActionInput) (*one[partnerJSON], error) {
	version, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, fail(ctx, err)
	}
	p, err := s.app.ArchivePartner(ctx, actorFrom(ctx), in.ID, app.UpdatePartnerOptions{IfVersion: version})
	if err != nil {
		return nil, fail(ctx, err)
	}
	return reply(http.StatusOK, p.Version, renderPartner(p)), nil
}

func (s *server) restorePartner(ctx context.Context, in *partnerActionInput) (*one[partnerJSON], error) {
	version, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, fail(ctx, err)
	}
	p, err := s.app.RestorePartner(ctx, actorFrom(ctx), in.ID, app.UpdatePartnerOptions{IfVersion: version})
	if err != nil {
		return nil, fail(ctx, err)
	}
	return reply(http.StatusOK, p.Version, renderPartner(p)), nil
}
