def test_real_seeds_build_and_validate(dataset):
    from digiprov.validate import validate_dataset

    assert len(dataset) > 1000
    report = validate_dataset(dataset)
    assert report.conforms, [p.line() for p in report.violations]
