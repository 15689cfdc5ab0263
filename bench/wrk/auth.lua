-- wrk script for reads: sends the bearer token given after `--`.
function init(args)
  wrk.headers["Authorization"] = "Bearer " .. args[1]
end
