using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PostLoan.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LoanCustomerProductIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_loans_CustomerId",
                table: "loans");

            migrationBuilder.CreateIndex(
                name: "IX_loans_CustomerId_ProductId",
                table: "loans",
                columns: new[] { "CustomerId", "ProductId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_loans_CustomerId_ProductId",
                table: "loans");

            migrationBuilder.CreateIndex(
                name: "IX_loans_CustomerId",
                table: "loans",
                column: "CustomerId");
        }
    }
}
