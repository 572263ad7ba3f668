"""The figures a gig service center reports (求职人数, 招聘人数, 上岗人数 and the rest), pre-aggregated per period."""
