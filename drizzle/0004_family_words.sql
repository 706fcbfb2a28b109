CREATE TABLE `detail_consents` (
	`person_id` text NOT NULL,
	`detail` text NOT NULL,
	`recorded_by` text NOT NULL,
	`recorded_by_user` text,
	`recorded_at` integer NOT NULL,
	PRIMARY KEY(`person_id`, `detail`),
	FOREIGN KEY (`person_id`) REFERENCES `case_people`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`recorded_by_user`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "detail_consents_recorder" CHECK(("detail_consents"."recorded_by" = 'staff') = ("detail_consents"."recorded_by_user" IS NOT NULL))
);
--> statement-breakpoint
ALTER TABLE `case_people` ADD `relationship_code` text;--> statement-breakpoint
ALTER TABLE `case_people` ADD `relationship_side` text;--> statement-breakpoint
ALTER TABLE `case_people` ADD `relationship_es` text;--> statement-breakpoint
ALTER TABLE `meetings` ADD `location_es` text;--> statement-breakpoint
-- Relationships were English text ("Grandmother", "Daughter, 14") shown as typed on Spanish pages. Known
-- wordings become codes (rendered per reader); anything else stays as the typed note it was.
UPDATE `case_people` SET `relationship_code` = m.column2, `relationship_side` = m.column3, `relationship` = NULL
FROM (VALUES
	('mother', 'MOTHER', NULL), ('mom', 'MOTHER', NULL), ('madre', 'MOTHER', NULL), ('mamá', 'MOTHER', NULL),
	('father', 'FATHER', NULL), ('dad', 'FATHER', NULL), ('padre', 'FATHER', NULL), ('papá', 'FATHER', NULL),
	('parent', 'PARENT', NULL),
	('legal guardian', 'LEGAL_GUARDIAN', NULL), ('guardian', 'LEGAL_GUARDIAN', NULL),
	('grandmother', 'GRANDMOTHER', NULL), ('grandma', 'GRANDMOTHER', NULL), ('abuela', 'GRANDMOTHER', NULL),
	('maternal grandmother', 'GRANDMOTHER', 'MATERNAL'), ('paternal grandmother', 'GRANDMOTHER', 'PATERNAL'),
	('abuela materna', 'GRANDMOTHER', 'MATERNAL'), ('abuela paterna', 'GRANDMOTHER', 'PATERNAL'),
	('grandfather', 'GRANDFATHER', NULL), ('grandpa', 'GRANDFATHER', NULL), ('abuelo', 'GRANDFATHER', NULL),
	('maternal grandfather', 'GRANDFATHER', 'MATERNAL'), ('paternal grandfather', 'GRANDFATHER', 'PATERNAL'),
	('abuelo materno', 'GRANDFATHER', 'MATERNAL'), ('abuelo paterno', 'GRANDFATHER', 'PATERNAL'),
	('grandparent', 'GRANDPARENT', NULL),
	('aunt', 'AUNT', NULL), ('tía', 'AUNT', NULL), ('tia', 'AUNT', NULL),
	('maternal aunt', 'AUNT', 'MATERNAL'), ('paternal aunt', 'AUNT', 'PATERNAL'),
	('uncle', 'UNCLE', NULL), ('tío', 'UNCLE', NULL), ('tio', 'UNCLE', NULL),
	('maternal uncle', 'UNCLE', 'MATERNAL'), ('paternal uncle', 'UNCLE', 'PATERNAL'),
	('cousin', 'COUSIN', NULL),
	('sister', 'SISTER', NULL), ('hermana', 'SISTER', NULL), ('brother', 'BROTHER', NULL), ('hermano', 'BROTHER', NULL),
	('sibling', 'SIBLING', NULL),
	('daughter', 'DAUGHTER', NULL), ('hija', 'DAUGHTER', NULL), ('son', 'SON', NULL), ('hijo', 'SON', NULL), ('child', 'CHILD', NULL),
	('godmother', 'GODMOTHER', NULL), ('madrina', 'GODMOTHER', NULL), ('godfather', 'GODFATHER', NULL), ('padrino', 'GODFATHER', NULL),
	('foster caregiver', 'FOSTER_CAREGIVER', NULL), ('foster parent', 'FOSTER_CAREGIVER', NULL),
	('family friend', 'FAMILY_FRIEND', NULL), ('friend of the family', 'FAMILY_FRIEND', NULL),
	('neighbor', 'NEIGHBOR', NULL), ('neighbour', 'NEIGHBOR', NULL)
) AS m
WHERE `case_people`.`relationship_code` IS NULL AND lower(trim(`case_people`.`relationship`)) = m.column1;
--> statement-breakpoint
-- "Daughter, 14": the age now comes from the birth date, so the code alone is enough when there is one.
UPDATE `case_people` SET `relationship_code` = CASE
		WHEN lower(trim(`relationship`)) GLOB 'daughter, [0-9]*' THEN 'DAUGHTER'
		WHEN lower(trim(`relationship`)) GLOB 'son, [0-9]*' THEN 'SON'
		ELSE 'CHILD' END,
	`relationship` = NULL
WHERE `relationship_code` IS NULL AND `birth_date` IS NOT NULL
	AND (lower(trim(`relationship`)) GLOB 'daughter, [0-9]*' OR lower(trim(`relationship`)) GLOB 'son, [0-9]*' OR lower(trim(`relationship`)) GLOB 'child, [0-9]*');
--> statement-breakpoint
-- The demo's "Trainee observer" said what the role already says (Observer), in English only.
UPDATE `case_people` SET `relationship` = NULL WHERE `role` = 'OBSERVER' AND lower(trim(`relationship`)) = 'trainee observer';
