using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PostLoan.Infrastructure.Persistence.Migrations.Sqlite
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
                    CustomerId = table.Column<int>(type: "INTEGER", nullable: false),
                    Data = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_indicator_series", x => x.CustomerId);
                });

            migrationBuilder.CreateTable(
                name: "indicator_series_stale",
                columns: table => new
                {
                    CustomerId = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_indicator_series_stale", x => x.CustomerId);
                });

            // Every insert, change or delete of a value marks its customer for repacking (IndicatorSeriesPacker); the
            // customers already holding values are marked now, so the first refresh packs the existing book.
            migrationBuilder.Sql("""
                CREATE TRIGGER indicator_values_stale_insert AFTER INSERT ON indicator_values
                BEGIN INSERT OR IGNORE INTO indicator_series_stale ("CustomerId") VALUES (NEW."CustomerId"); END;
                CREATE TRIGGER indicator_values_stale_update AFTER UPDATE ON indicator_values
                BEGIN
                    INSERT OR IGNORE INTO indicator_series_stale ("CustomerId") VALUES (OLD."CustomerId");
                    INSERT OR IGNORE INTO indicator_series_stale ("CustomerId") VALUES (NEW."CustomerId");
                END;
                CREATE TRIGGER indicator_values_stale_delete AFTER DELETE ON indicator_values
                BEGIN INSERT OR IGNORE INTO indicator_series_stale ("CustomerId") VALUES (OLD."CustomerId"); END;
                INSERT OR IGNORE INTO indicator_series_stale ("CustomerId") SELECT DISTINCT "CustomerId" FROM indicator_values;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS indicator_values_stale_insert;
                DROP TRIGGER IF EXISTS indicator_values_stale_update;
                DROP TRIGGER IF EXISTS indicator_values_stale_delete;
                """);

            migrationBuilder.DropTable(
                name: "indicator_series");

            migrationBuilder.DropTable(
                name: "indicator_series_stale");
        }
    }
}
