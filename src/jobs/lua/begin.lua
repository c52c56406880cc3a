-- BEGIN: a worker starts the experiment.
-- KEYS: 1-7 as includes/single
-- ARGV: 1-3 as includes/single, 4 worker name
-- Returns {'run', spec, replay or ''} | {'skip', status} | {'gone'}.
--- @include "includes/single"
--- @include "includes/begin-one"
return begin_one(ARGV[4])
