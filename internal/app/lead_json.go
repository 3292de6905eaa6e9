package app

import (
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// LeadJSON is a lead as webhooks send it and the API returns it. It holds
// no routing explanation: that names other partners, and a partner's
// webhook must not (the API adds it for staff and keys).
type LeadJSON struct {
	ID            string         `json:"id"`
	ExternalID    string         `json:"externalId,omitempty"`
	FirstName     string         `json:"firstName"`
	LastName      string         `json:"lastName"`
	Email         string         `json:"email"`
	Phone         string         `json:"phone"`
	Title         string         `json:"title"`
	Company       string         `json:"company"`
	CompanyDomain string         `json:"companyDomain"`
	Country       string         `json:"country"`
	Region        string         `json:"region"`
	Source        string         `json:"source"`
	Message       string         `json:"message"`
	Custom        map[string]any `json:"custom"`
	PartnerID     string         `json:"partnerId,omitempty"`
	PartnerName   string         `json:"partnerName,omitempty"`
	Status        string         `json:"status"`
	StatusReason  string         `json:"statusReason,omitempty"`
	ReceivedAt    time.Time      `json:"receivedAt"`
	AssignedAt    *time.Time     `json:"assignedAt,omitempty"`
	UpdatedAt     time.Time      `json:"updatedAt"`
	Version       int64          `json:"version"`
}

// NewLeadJSON shapes l for the wire.
func NewLeadJSON(l *ally.Lead) LeadJSON {
	j := LeadJSON{ID: l.ID, ExternalID: l.ExternalID, FirstName: l.FirstName, LastName: l.LastName,
		Email: l.Email, Phone: l.Phone, Title: l.Title, Company: l.Company, CompanyDomain: l.CompanyDomain,
		Country: l.Country, Region: l.Region, Source: l.Source, Message: l.Message, Custom: l.Custom,
		PartnerID: l.PartnerID, PartnerName: l.PartnerName, Status: string(l.Status), StatusReason: l.StatusReason,
		ReceivedAt: l.ReceivedAt, UpdatedAt: l.UpdatedAt, Version: l.Version}
	if j.Custom == nil {
		j.Custom = map[string]any{}
	}
	if !l.AssignedAt.IsZero() {
		t := l.AssignedAt
		j.AssignedAt = &t
	}
	return j
}
