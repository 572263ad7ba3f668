"""JSON as every answer of the API writes it: moments as zero_gig.timestamps.iso writes them (see its
JSONEncoder), also those a view puts in a plain dict (the personal-data download, an error's `locked_until`)."""

from rest_framework import renderers

from zero_gig.timestamps import JSONEncoder


class JSONRenderer(renderers.JSONRenderer):
    encoder_class = JSONEncoder
