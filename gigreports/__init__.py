"""Reports of fake and unfair gigs by workers, the hold that several reports put on a gig, and the review of the
gig's service center: release it, or take it down and warn or suspend its employer (issue 12, 举报与暂停)."""
