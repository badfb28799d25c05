package models

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ReleaseAsset is one static asset of a release, stored so that other
// releases can serve it (see RecordRelease). It is platform data.
type ReleaseAsset struct {
	URL         string `gorm:"primaryKey"`
	ContentType string
	ETag        string `gorm:"column:etag"`
	Body        []byte
	Gzip        []byte
	Fingerprint string
	SeenAt      time.Time
}

type release struct {
	Fingerprint string `gorm:"primaryKey"`
	StartedAt   time.Time
}

// RecordRelease stores the static assets of the release with render
// fingerprint fp as it starts, and forgets the assets that only releases
// older than the keep newest ones had. A release that starts again (another
// replica, a restart) counts as new: it is the one running.
func (d *DB) RecordRelease(ctx context.Context, fp string, assets []ReleaseAsset, keep int) error {
	keep = max(keep, 1)
	now := time.Now().UTC()
	err := d.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "fingerprint"}},
			DoUpdates: clause.Assignments(map[string]any{"started_at": now}),
		}).Create(&release{Fingerprint: fp, StartedAt: now}).Error; err != nil {
			return err
		}
		urls := make([]string, len(assets))
		for i, a := range assets {
			urls[i] = a.URL
		}
		// Assets stored already (by URL, which names their content) are
		// only marked as this release's; the rest are inserted.
		var have []string
		if err := tx.Model(&ReleaseAsset{}).Where("url IN ?", urls).Pluck("url", &have).Error; err != nil {
			return err
		}
		if len(have) > 0 {
			if err := tx.Model(&ReleaseAsset{}).Where("url IN ?", have).
				Updates(map[string]any{"fingerprint": fp, "seen_at": now}).Error; err != nil {
				return err
			}
		}
		stored := make(map[string]bool, len(have))
		for _, u := range have {
			stored[u] = true
		}
		var missing []ReleaseAsset
		for _, a := range assets {
			if !stored[a.URL] {
				a.Fingerprint, a.SeenAt = fp, now
				missing = append(missing, a)
			}
		}
		if len(missing) > 0 {
			// Another replica of this release may insert them at the same time.
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(missing, 20).Error; err != nil {
				return err
			}
		}
		// Prune: everything older than the keep-th newest release.
		var cutoff []time.Time
		if err := tx.Model(&release{}).Order("started_at DESC").Offset(keep-1).Limit(1).Pluck("started_at", &cutoff).Error; err != nil {
			return err
		}
		if len(cutoff) == 0 {
			return nil
		}
		if err := tx.Where("seen_at < ?", cutoff[0]).Delete(&ReleaseAsset{}).Error; err != nil {
			return err
		}
		return tx.Where("started_at < ?", cutoff[0]).Delete(&release{}).Error
	})
	return translate("record release "+fp, err)
}

// ReleaseAssetURLs lists the URLs of every stored release asset.
func (d *DB) ReleaseAssetURLs(ctx context.Context) ([]string, error) {
	var urls []string
	err := d.gorm.WithContext(ctx).Model(&ReleaseAsset{}).Pluck("url", &urls).Error
	return urls, translate("list release assets", err)
}

// ReleaseAssetByURL returns the stored release asset at url, or ErrNotFound.
func (d *DB) ReleaseAssetByURL(ctx context.Context, url string) (ReleaseAsset, error) {
	var a ReleaseAsset
	err := d.gorm.WithContext(ctx).Where("url = ?", url).Take(&a).Error
	return a, translate("load release asset", err)
}
