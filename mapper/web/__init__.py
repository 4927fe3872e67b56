"""``mapper serve``: the upload web app (Starlette + uvicorn, the optional ``web`` extra).

Only :mod:`mapper.web.cells` is imported by the rest of mapper; the app itself
(:mod:`mapper.web.app`) imports Starlette and is loaded only when ``serve`` runs.
"""
