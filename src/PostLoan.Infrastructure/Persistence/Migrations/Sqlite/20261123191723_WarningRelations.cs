using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PostLoan.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class WarningRelations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "customer_relations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    FromCustomerId = table.Column<int>(type: "INTEGER", nullable: false),
                    ToCustomerId = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Direction = table.Column<int>(type: "INTEGER", nullable: false),
                    AnnualAmount = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: true),
                    Strength = table.Column<decimal>(type: "TEXT", precision: 5, scale: 4, nullable: true),
                    Source = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Evidence = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    ValidFrom = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    ValidTo = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    RecordedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    FromOrganisationPath = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    FromAccountManagerId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ToOrganisationPath = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ToAccountManagerId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_customer_relations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_customer_relations_customers_FromCustomerId",
                        column: x => x.FromCustomerId,
                        principalTable: "customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_customer_relations_customers_ToCustomerId",
                        column: x => x.ToCustomerId,
                        principalTable: "customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_customer_relations_FromCustomerId_Kind",
                table: "customer_relations",
                columns: new[] { "FromCustomerId", "Kind" });

            migrationBuilder.CreateIndex(
                name: "IX_customer_relations_Status",
                table: "customer_relations",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_customer_relations_ToCustomerId_Kind",
                table: "customer_relations",
                columns: new[] { "ToCustomerId", "Kind" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "customer_relations");
        }
    }
}
