#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Write a small MaxMind DB for tests, in one of the schemas xdp-telescope
# reads, over the documentation prefixes only:
#
#   perl tests/lib/mkmmdb.pl country OUT.mmdb             MaxMind: country.iso_code
#   perl tests/lib/mkmmdb.pl country-flat OUT.mmdb        ip-location-db: country_code
#   perl tests/lib/mkmmdb.pl asn OUT.mmdb                 GeoLite2-ASN
#   perl tests/lib/mkmmdb.pl country-registered OUT.mmdb  MaxMind, registered_country only
#
# An optional PREFIX=CC after OUT gives one network another country, for
# tests that must tell two versions of a database apart (reloads).
#
# --hostile=YYYY-MM-DD gives the networks AS organisation names such as a
# third-party database may hold (tests/e2e/hostile_names.sh): line ends,
# a tab, DEL and a C1 control, and one that reads as a backscatter row of
# that day when a reader splits lines before it parses CSV:
#
#   perl tests/lib/mkmmdb.pl asn OUT.mmdb --hostile=2026-12-01
#
# Every database is IPv6 with the IPv4 space aliased (::ffff:0:0/96, 6to4),
# as MaxMind's own are, so IPv4 lookups go through the same code path as
# they do with real databases.
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my %networks = (
	'198.51.100.0/25'   => { cc => 'JP', name => 'Japan',         asn => 64500, org => 'Example JP Net' },
	'198.51.100.128/25' => { cc => 'NL', name => 'Netherlands',   asn => 64501, org => '=Research Scanner NL' },
	'203.0.113.0/24'    => { cc => 'US', name => 'United States', asn => 64502, org => 'Example, "US" Hosting' },
	'2001:db8::/32'     => { cc => 'DE', name => 'Germany',       asn => 64503, org => 'Example DE' },
);

sub maxmind_country {
	my ($n) = @_;
	return { iso_code => $n->{cc}, names => { en => $n->{name} } };
}

# schema => [ database_type, record builder ]
my %schemas = (
	'country' => [ 'GeoLite2-Country', sub {
		my ($n) = @_;
		return { country => maxmind_country($n),
			 registered_country => maxmind_country($n) };
	} ],
	# Addresses whose country is known only by registration (anycast,
	# satellite providers) carry registered_country and no country.
	'country-registered' => [ 'GeoLite2-Country', sub {
		my ($n) = @_;
		return { registered_country => maxmind_country($n) };
	} ],
	# The type string of the ip-location-db country databases.
	'country-flat' => [ 'country ipvAll', sub {
		my ($n) = @_;
		return { country_code => $n->{cc} };
	} ],
	'asn' => [ 'GeoLite2-ASN', sub {
		my ($n) = @_;
		return { autonomous_system_number => $n->{asn},
			 autonomous_system_organization => $n->{org} };
	} ],
);

my %types = (
	country => 'map',
	registered_country => 'map',
	names => 'map',
	en => 'utf8_string',
	iso_code => 'utf8_string',
	country_code => 'utf8_string',
	autonomous_system_number => 'uint32',
	autonomous_system_organization => 'utf8_string',
);

my ($schema, $out, @moves) = @ARGV;
if (@ARGV < 2 || !exists $schemas{$schema}) {
	print STDERR "usage: $0 country|country-flat|country-registered|asn OUT.mmdb "
		. "[PREFIX=CC ...] [--hostile=YYYY-MM-DD]\n";
	exit 2;
}
# The hostile names, by network (the injected row names a documentation
# address that no test sends from).
sub hostile_orgs {
	my ($day) = @_;
	return (
		'198.51.100.0/25'   => "Example\nJP Net",
		'198.51.100.128/25' => "=Research\tScanner\x{7f} NL",
		'203.0.113.0/24'    => "X\n${day}T19:00:00Z,evil,203.0.113.99,US,1,tcp,443,synack,999999,Injected",
		'2001:db8::/32'     => "Example\r\nDE\x{85}",
	);
}
if (my ($day) = map { /^--hostile=(\d{4}-\d\d-\d\d)$/ ? $1 : () } @moves) {
	my %org = hostile_orgs($day);
	$networks{$_}{org} = $org{$_} for keys %org;
	@moves = grep { !/^--hostile=/ } @moves;
}
for my $move (@moves) {
	my ($prefix, $cc) = $move =~ m{^([0-9a-fA-F.:]+/\d+)=([A-Z]{2})$}
		or die "$0: $move: expected PREFIX=CC\n";
	exists $networks{$prefix} or die "$0: $prefix: not a test network\n";
	$networks{$prefix} = { %{ $networks{$prefix} }, cc => $cc, name => $cc };
}
my ($database_type, $record) = @{ $schemas{$schema} };

my $tree = MaxMind::DB::Writer::Tree->new(
	ip_version => 6,
	record_size => 28,
	database_type => $database_type,
	languages => ['en'],
	description => { en => "xdp-telescope test database ($schema)" },
	map_key_type_callback => sub { $types{ $_[0] } },
	alias_ipv6_to_ipv4 => 1,
	# The test networks are documentation prefixes, which the writer
	# would otherwise drop as reserved.
	remove_reserved_networks => 0,
);
for my $prefix (sort keys %networks) {
	$tree->insert_network($prefix, $record->($networks{$prefix}));
}

my $tmp = "$out.tmp$$";
open(my $fh, '>:raw', $tmp) or die "$0: $tmp: $!\n";
$tree->write_tree($fh);
close($fh) or die "$0: $tmp: $!\n";
rename($tmp, $out) or die "$0: $out: $!\n";
