package web

import (
	"net/http"

	"github.com/allyprm/ally/internal/ally"
)

// portalDelivery is one delivery to the partner with its latest attempts,
// newest first, as the lead page and the delivery settings page list them.
type portalDelivery struct {
	*ally.Delivery
	Attempts []*ally.DeliveryAttempt
}

// portalDeliveries lists the deliveries f selects with their attempts. The
// application forces f to the session's partner. Lists are short (a lead's
// few deliveries, the latest handful), so reading each one's attempts
// separately stays cheap.
func (s *server) portalDeliveries(r *http.Request, f ally.DeliveryFilter) ([]portalDelivery, error) {
	ctx, a := r.Context(), actor(r)
	page, err := s.app.Deliveries(ctx, a, f)
	if err != nil {
		return nil, err
	}
	out := make([]portalDelivery, 0, len(page.Items))
	for _, d := range page.Items {
		v, err := s.app.Delivery(ctx, a, d.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, portalDelivery{Delivery: v.Delivery, Attempts: v.Attempts})
	}
	return out, nil
}
