#!/bin/bash
# Reference solution: fix one reported problem at a time, re-running the validator after each.
# tack-step: go to the service and run the validator
# tack-artifact: /app/service/config/app.ini
# tack-env
cd /app/service
python3 check_config.py config/app.ini
# tack-step: keep only the last database timeout
sed -i '/^timeout = 45$/d' config/app.ini
python3 check_config.py config/app.ini
# tack-step: unquote the port
sed -i 's/^port = "8080"$/port = 8080/' config/app.ini
python3 check_config.py config/app.ini
# tack-step: four workers
sed -i 's/^workers = 0$/workers = 4/' config/app.ini
python3 check_config.py config/app.ini
# tack-step: most verbose valid log level
sed -i 's/^level = verbose$/level = DEBUG/' config/app.ini
python3 check_config.py config/app.ini
# tack-step: add the database url
sed -i 's|^pool_size = 5$|url = sqlite:////app/service/data/app.db\npool_size = 5|' config/app.ini
python3 check_config.py config/app.ini
# tack-step: create the database directory
mkdir -p /app/service/data
# tack-step: validate
python3 check_config.py config/app.ini
# tack-check: cd /app/service && test "$(python3 check_config.py config/app.ini)" = OK && grep -qx 'timeout = 60' config/app.ini && grep -qx 'workers = 4' config/app.ini
cat config/app.ini
