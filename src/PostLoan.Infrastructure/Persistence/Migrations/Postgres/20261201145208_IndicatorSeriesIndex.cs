using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PostLoan.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class IndicatorSeriesIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_indicator_values_CustomerId_IndicatorId_Date",
                table: "indicator_values");

            migrationBuilder.CreateIndex(
                name: "ix_indicator_values_series",
                table: "indicator_values",
                columns: new[] { "CustomerId", "IndicatorId", "Date", "Id", "Value" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_indicator_values_series",
                table: "indicator_values");

            migrationBuilder.CreateIndex(
                name: "IX_indicator_values_CustomerId_IndicatorId_Date",
                table: "indicator_values",
                columns: new[] { "CustomerId", "IndicatorId", "Date" });
        }
    }
}
