using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PostLoan.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PackedIndicatorSeries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "indicator_series",
                columns: table => new
                {
                    CustomerId = table.Column<int>(type: "integer", nullable: false),
                    Data = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_indicator_series", x => x.CustomerId);
                });

            migrationBuilder.CreateTable(
                name: "indicator_series_stale",
                columns: table => new
                {
                    CustomerId = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_indicator_series_stale", x => x.CustomerId);
                });

            // Every insert, change or delete of a value marks its customer for repacking (IndicatorSeriesPacker); the
            // customers already holding values are marked now, so the first refresh packs the existing book.
            migrationBuilder.Sql("""
                CREATE FUNCTION indicator_series_mark_new() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO indicator_series_stale ("CustomerId") SELECT DISTINCT "CustomerId" FROM new_rows ON CONFLICT DO NOTHING;
                    RETURN NULL;
                END $$;
                CREATE FUNCTION indicator_series_mark_old() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO indicator_series_stale ("CustomerId") SELECT DISTINCT "CustomerId" FROM old_rows ON CONFLICT DO NOTHING;
                    RETURN NULL;
                END $$;
                CREATE FUNCTION indicator_series_mark_both() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO indicator_series_stale ("CustomerId")
                        SELECT "CustomerId" FROM new_rows UNION SELECT "CustomerId" FROM old_rows ON CONFLICT DO NOTHING;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER indicator_values_stale_insert AFTER INSERT ON indicator_values
                    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_series_mark_new();
                CREATE TRIGGER indicator_values_stale_update AFTER UPDATE ON indicator_values
                    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_series_mark_both();
                CREATE TRIGGER indicator_values_stale_delete AFTER DELETE ON indicator_values
                    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_series_mark_old();
                INSERT INTO indicator_series_stale ("CustomerId") SELECT DISTINCT "CustomerId" FROM indicator_values ON CONFLICT DO NOTHING;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS indicator_values_stale_insert ON indicator_values;
                DROP TRIGGER IF EXISTS indicator_values_stale_update ON indicator_values;
                DROP TRIGGER IF EXISTS indicator_values_stale_delete ON indicator_values;
                DROP FUNCTION IF EXISTS indicator_series_mark_new();
                DROP FUNCTION IF EXISTS indicator_series_mark_old();
                DROP FUNCTION IF EXISTS indicator_series_mark_both();
                """);

            migrationBuilder.DropTable(
                name: "indicator_series");

            migrationBuilder.DropTable(
                name: "indicator_series_stale");
        }
    }
}
