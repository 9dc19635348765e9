console.log("umwasm");
