# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (AGPL). If you
# did not receive this file, see https://www.gnu.org/licenses/agpl.txt.
# --

# Loading: the module loads, reports its version, and when the native part
# cannot load it dies with ONE line that says why and how to rebuild.

use strict;
use warnings;

use File::Basename qw(dirname);
use File::Path     qw(make_path);
use File::Spec;
use File::Temp qw(tempdir);
use Test::More;

use_ok('SalesForce::XS');

my $Version = SalesForce::XS::version();
like( $Version, qr/^\d+\.\d+\.\d+/, "version() looks like a version: $Version" );
is( $Version, $SalesForce::XS::VERSION, 'Rust library version matches the module version' );

# The .pm that was loaded (blib/lib when run by make test).
my $PmFile = $INC{'SalesForce/XS.pm'};
ok( -f $PmFile, "module file found: $PmFile" );

my $Expected = qr{
    \A SalesForce::XS:\ the\ native\ part\ \(auto/SalesForce/XS/XS\.so\)\ does\ not\ load
    \ in\ this\ Perl\ \d+\.\d+\.\d+\ \S+:\ (?<reason>.+)\.
    \ Rebuild\ it:\ cd\ perl/SalesForce-XS\ &&\ perl\ Makefile\.PL\ &&\ make\n
}x;

# Loads the module in a fresh perl whose @INC holds only $Dir and the core
# directories (PERL5LIB cleared, so blib is not found). Returns (exit, stderr).
sub LoadIn {
    my ($Dir) = @_;

    local $ENV{PERL5LIB};
    delete $ENV{PERL5LIB};
    local $ENV{PERLLIB};
    delete $ENV{PERLLIB};
    my $ErrFile = File::Spec->catfile( $Dir, 'stderr.txt' );
    my $Status  = system(qq{"$^X" -I"$Dir" -e "require SalesForce::XS; print 1" 2>"$ErrFile" >/dev/null});
    open my $Fh, '<', $ErrFile or die "cannot read $ErrFile: $!";
    my $Stderr = do { local $/; <$Fh> };
    close $Fh;
    return ( $Status >> 8, $Stderr );
}

for my $Case (qw(corrupt missing)) {
    my $Dir = tempdir( CLEANUP => 1 );
    make_path("$Dir/SalesForce");
    open my $In,  '<', $PmFile                 or die "cannot read $PmFile: $!";
    open my $Out, '>', "$Dir/SalesForce/XS.pm" or die "cannot write: $!";
    print {$Out} do { local $/; <$In> };
    close $In;
    close $Out;
    if ( $Case eq 'corrupt' ) {
        make_path("$Dir/auto/SalesForce/XS");
        open my $So, '>', "$Dir/auto/SalesForce/XS/XS.so" or die "cannot write: $!";
        print {$So} "this is not an ELF shared object\n" x 10;
        close $So;
    }
    my ( $Exit, $Stderr ) = LoadIn($Dir);
    isnt( $Exit, 0, "$Case XS.so: loading fails" );
    like( $Stderr, $Expected, "$Case XS.so: one line saying what and how to rebuild" )
        or diag $Stderr;

    # Our message is one line; perl itself may add "Compilation failed in
    # require" after it (that is how require reports any die).
    my @Lines = grep { !/^Compilation failed in require/ } split /\n/, $Stderr;
    is( scalar @Lines, 1, "$Case XS.so: exactly one line of ours" );
    unlike( $Stderr, qr/\@INC contains/, "$Case XS.so: no @INC dump in the line" );
    if ( $Case eq 'corrupt' ) {
        like( $Stderr, qr/XS\.so/, 'corrupt XS.so: the reason names the file' );
    }
    else {
        like( $Stderr, qr/Can't locate loadable object/, 'missing XS.so: the reason says it is missing' );
    }
}

done_testing();
