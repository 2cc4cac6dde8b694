"""Building the warehouse from the raw layer: dbt, the master-data run, dbt again."""
